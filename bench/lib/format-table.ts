import type { Measurement } from './measurement';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const num = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => x.toFixed(2);

/** The results as a Markdown table, with ratios to the two baselines and each target's verdict. */
export function formatTable(rows: readonly Measurement[]): string {
  const raw = rows.find((r) => r.id === 'raw')?.result.requestsPerSecond;
  const rawSelect = rows.find((r) => r.id === 'raw-select')?.result.requestsPerSecond;
  const floor = rows.find((r) => r.id === 'tenant-floor')?.result.requestsPerSecond;
  const baseOf = (r: Measurement): { rps: number | undefined; name: string } =>
    r.baseline === 'raw-select'
      ? { rps: rawSelect, name: 'raw+SELECT' }
      : r.baseline === 'tenant-floor'
        ? { rps: floor, name: 'the tenant-page floor' }
        : { rps: raw, name: 'raw' };
  const header =
    '| # | what | req/s | calls/s | p50 ms | p99 ms | vs raw | vs raw+SELECT | target |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map((r) => {
    const rps = r.result.requestsPerSecond;
    const { rps: base, name: baseName } = baseOf(r);
    let target = '';
    if (r.target !== undefined && base) {
      const share = rps / base;
      const verdict = share >= r.target ? 'met' : `missed (${pct(share)})`;
      target = `≥ ${pct(r.target)} of ${baseName}: ${verdict}`;
    }
    if (r.peer) {
      const ours = rows.find((x) => x.id === r.peer?.gatehouse)?.result.requestsPerSecond;
      if (ours) {
        const times = ours / rps;
        const verdict = times >= r.peer.atLeast ? 'met' : 'missed';
        const ratio = `${times.toFixed(1)}× (≥ ${r.peer.atLeast}×: ${verdict})`;
        target = `Gatehouse ${r.peer.gatehouse} = ${ratio}`;
      }
    }
    const failures = r.result.failures > 0 ? ` ⚠ ${r.result.failures} failed` : '';
    const vsRaw = raw ? pct(rps / raw) : '';
    const vsRawSelect = rawSelect ? pct(rps / rawSelect) : '';
    return (
      `| ${r.id} | ${r.title}${failures} | ${num(rps)} | ${num(rps * r.callsPerRequest)} | ` +
      `${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} | ${vsRaw} | ${vsRawSelect} | ${target} |`
    );
  });
  return [header, rule, ...lines].join('\n');
}
