import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { REPO_ROOT } from '../lib/spawn-target';
import { runWrk, type WrkResult } from '../lib/run-wrk';

/**
 * Scenario 6's numbers: the flood, the raw argon2 rate beside it, and a second client's latency.
 */
export interface FloodResult {
  readonly argon2Concurrency: number;
  /** Raw argon2id verifies/s at the server's concurrency, no HTTP or database. */
  readonly rawVerifiesPerSecond: number;
  readonly floodConnections: number;
  readonly seconds: number;
  /** Sign-ins that ran argon2 and answered 401 INVALID_CREDENTIALS, per second. */
  readonly signInsPerSecond: number;
  /** Attempts refused at once with 429 (hashing queue full), per second. */
  readonly refusedPerSecond: number;
  readonly otherStatuses: Readonly<Record<string, number>>;
  readonly idle: ProbeResult;
  readonly during: ProbeResult;
  /**
   * The same probe and flood against the floor (node:http with the same hasher and refusal queue,
   * nothing else).
   */
  readonly floor: { readonly idle: ProbeResult; readonly during: ProbeResult };
  /**
   * From Gatehouse's access log: arrival to answer written, for the refused (429) and the hashed
   * (401) sign-ins.
   */
  readonly serverSide: { readonly refused: ServerSideTimes; readonly hashed: ServerSideTimes };
}

export interface ServerSideTimes {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

export interface ProbeResult {
  readonly samples: number;
  readonly failures: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface FloodOptions {
  readonly gatehouseUrl: string;
  /** bench/targets/bare-sign-in-server.ts at the same concurrency. */
  readonly floorUrl: string;
  /** Gatehouse's log file (LOG_LEVEL=info): its access-log lines time each answer in the server. */
  readonly gatehouseLogFile: string;
  readonly execPath: string;
  readonly argon2Concurrency: number;
  readonly connections: number;
  readonly seconds: number;
  readonly workDir: string;
}

/**
 * Scenario 6: wrong-password `auth.signIn` from `connections` clients for
 * `seconds`, while a second client calls `system.version` back to back on its
 * own connection; the same probe before the flood gives the idle latency, and
 * argon2 alone at the server's concurrency gives the rate sign-ins can reach.
 * The floor server takes the same flood and probe first: what the probe sees
 * there is the machine's share of the latency.
 */
export async function measureSignInFlood(options: FloodOptions): Promise<FloodResult> {
  const raw = JSON.parse(
    await runScript(options.execPath, 'bench/targets/argon2-rate.ts', [
      String(options.argon2Concurrency),
      '5',
    ]),
  ) as { perSecond: number };
  const floor = await floodWithProbe(options.floorUrl, options);
  const logFrom = statSync(options.gatehouseLogFile).size;
  const { idle, during, result } = await floodWithProbe(options.gatehouseUrl, options);
  const serverSide = signInTimes(
    readFileSync(options.gatehouseLogFile).subarray(logFrom).toString('utf8'),
  );
  const statuses = { ...(result.statuses ?? {}) };
  const seconds =
    result.requests > 0 ? result.requests / result.requestsPerSecond : options.seconds;
  const verified = statuses['401'] ?? 0;
  const refused = statuses['429'] ?? 0;
  delete statuses['401'];
  delete statuses['429'];
  return {
    argon2Concurrency: options.argon2Concurrency,
    rawVerifiesPerSecond: raw.perSecond,
    floodConnections: options.connections,
    seconds,
    signInsPerSecond: verified / seconds,
    refusedPerSecond: refused / seconds,
    otherStatuses: statuses,
    idle,
    during,
    floor: { idle: floor.idle, during: floor.during },
    serverSide,
  };
}

/**
 * The access log's `auth.signIn` lines: how long the server took to answer a refusal and a hashed
 * attempt.
 */
function signInTimes(log: string): FloodResult['serverSide'] {
  const byStatus = new Map<number, number[]>();
  for (const line of log.split('\n')) {
    if (!line.includes('"path":"/trpc/auth.signIn"')) continue;
    try {
      const rec = JSON.parse(line) as { msg?: string; status?: number; durationMs?: number };
      if (rec.msg !== 'request' || rec.status === undefined || rec.durationMs === undefined)
        continue;
      byStatus.set(rec.status, [...(byStatus.get(rec.status) ?? []), rec.durationMs]);
    } catch {
      // not a JSON line
    }
  }
  const times = (values: number[]): ServerSideTimes => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number): number =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return { count: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9) };
  };
  return { refused: times(byStatus.get(429) ?? []), hashed: times(byStatus.get(401) ?? []) };
}

/** The probe idle, then the wrk flood with the probe beside it, against `baseUrl`. */
async function floodWithProbe(
  baseUrl: string,
  options: FloodOptions,
): Promise<{ idle: ProbeResult; during: ProbeResult; result: WrkResult }> {
  const probeUrl = `${baseUrl}/trpc/system.version`;
  const idle = JSON.parse(
    await runScript(options.execPath, 'bench/targets/latency-probe.ts', [probeUrl, '5']),
  ) as ProbeResult;
  const body = JSON.stringify({
    email: 'nobody-flood@example.com',
    password: 'not the right password at all',
  });
  const flood = runWrk({
    baseUrl,
    request: {
      method: 'POST',
      path: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      body,
    },
    durationSeconds: options.seconds,
    connections: options.connections,
    threads: 1,
    workDir: options.workDir,
    countStatuses: true,
  });
  // The probe starts once the flood is under way and stops before it ends.
  await new Promise((r) => setTimeout(r, 1000));
  const during = JSON.parse(
    await runScript(options.execPath, 'bench/targets/latency-probe.ts', [
      probeUrl,
      String(Math.max(1, options.seconds - 2)),
    ]),
  ) as ProbeResult;
  return { idle, during, result: await flood };
}

function runScript(execPath: string, script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.trim().split('\n').at(-1) ?? '')
        : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

/** Scenario 6 as Markdown, with the two targets judged. */
export function formatFlood(r: FloodResult): string {
  const share = r.signInsPerSecond / r.rawVerifiesPerSecond;
  const latency = r.during.p99Ms / r.idle.p99Ms;
  const floorLatency = r.floor.during.p99Ms / r.floor.idle.p99Ms;
  const other = Object.entries(r.otherStatuses).map(([k, v]) => `${v}× ${k}`);
  const verdict = (met: boolean): string => (met ? 'met' : 'missed');
  const { refused, hashed } = r.serverSide;
  const p50p90 = (t: ServerSideTimes): string => `${t.p50Ms.toFixed(1)} / ${t.p90Ms.toFixed(1)}`;
  const refusedFirst = refused.p50Ms < hashed.p50Ms && refused.p90Ms < 250;
  const vsFloor = (r.during.p99Ms / r.floor.during.p99Ms).toFixed(1);
  return [
    `\`auth.signIn\` with a wrong password from ${r.floodConnections} connections ` +
      `for ${r.seconds.toFixed(0)} s (ARGON2_CONCURRENCY=${r.argon2Concurrency}), ` +
      'while one more connection calls `system.version` back to back.',
    '',
    '| | measured | target |',
    '|---|---:|---|',
    `| raw argon2id verifies/s at concurrency ${r.argon2Concurrency} (same run, no HTTP) | ` +
      `${r.rawVerifiesPerSecond.toFixed(0)} | |`,
    '| sign-ins/s through the server (401 after argon2) | ' +
      `${r.signInsPerSecond.toFixed(0)} (${(share * 100).toFixed(0)}% of raw) | ` +
      `≥ 90% of raw: ${verdict(share >= 0.9)} |`,
    `| excess refused with 429, per second | ${r.refusedPerSecond.toFixed(0)} | |`,
    ...(other.length > 0 ? [`| other answers | ${other.join(', ')} | |`] : []),
    `| \`system.version\` idle: p50 / p99 ms (${r.idle.samples} calls) | ` +
      `${r.idle.p50Ms.toFixed(2)} / ${r.idle.p99Ms.toFixed(2)} | |`,
    `| \`system.version\` during the flood: p50 / p99 ms (${r.during.samples} calls) | ` +
      `${r.during.p50Ms.toFixed(2)} / ${r.during.p99Ms.toFixed(2)} ` +
      `(${latency.toFixed(1)}× idle p99) | < 2× idle p99: ${verdict(latency < 2)} |`,
    '| in the server, arrival to answer: refused (429) p50 / p90 ms vs hashed (401) | ' +
      `${p50p90(refused)} vs ${p50p90(hashed)} ` +
      `(${refused.count} and ${hashed.count} lines) | ` +
      `refusals before hashed sign-ins, p90 < 250 ms: ${verdict(refusedFirst)} |`,
    '| floor (node:http with the same hasher and refusal queue, nothing else): ' +
      'idle / during p99 ms | ' +
      `${r.floor.idle.p99Ms.toFixed(2)} / ${r.floor.during.p99Ms.toFixed(2)} ` +
      `(${floorLatency.toFixed(1)}× idle p99); ` +
      `Gatehouse's during p99 is ${vsFloor}× the floor's | ` +
      'what the machine allows |',
  ].join('\n');
}
