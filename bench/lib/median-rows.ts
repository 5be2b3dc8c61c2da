import type { Measurement } from './measurement';

/**
 * One row per id out of several interleaved rounds (A B C … A B C …): the round whose rate is
 * the median, so a noisy minute does not decide a ratio, with every round's rate beside it.
 */
export function medianRows(rounds: readonly (readonly Measurement[])[]): {
  rows: Measurement[];
  spread: string;
} {
  const first = rounds[0] ?? [];
  const rows: Measurement[] = [];
  const lines: string[] = [];
  for (const row of first) {
    const all = rounds
      .map((r) => r.find((m) => m.id === row.id))
      .filter((m): m is Measurement => m !== undefined)
      .sort((a, b) => a.result.requestsPerSecond - b.result.requestsPerSecond);
    const median = all[Math.floor((all.length - 1) / 2)] ?? row;
    rows.push(median);
    const rates = rounds.map((r) => {
      const m = r.find((x) => x.id === row.id);
      return m ? Math.round(m.result.requestsPerSecond).toLocaleString('en-US') : '—';
    });
    lines.push(`| ${row.id} | ${rates.join(' | ')} |`);
  }
  const header = `| # | ${rounds.map((_, i) => `round ${i + 1} req/s`).join(' | ')} |`;
  const rule = `|---|${rounds.map(() => '---:').join('|')}|`;
  return { rows, spread: [header, rule, ...lines].join('\n') };
}
