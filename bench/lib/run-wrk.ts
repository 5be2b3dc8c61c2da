import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One HTTP request shape wrk repeats. */
export interface WrkRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/trpc/system.version`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Responses outside 2xx/3xx, and socket errors: a run with any is not a fair number. */
  readonly failures: number;
  /** Answers by status code, when asked for (`countStatuses`). */
  readonly statuses?: Readonly<Record<string, number>>;
}

export interface RunWrkOptions {
  readonly baseUrl: string;
  readonly request: WrkRequest;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly threads: number;
  /** A directory for the generated Lua script. */
  readonly workDir: string;
  /**
   * Count answers by status (a Lua `response` hook: costs wrk some speed, so only where the mix
   * matters).
   */
  readonly countStatuses?: boolean;
}

/**
 * Runs `wrk` once and reads its summary through a Lua `done` hook (exact
 * percentiles, not the rounded text report).
 */
export async function runWrk(options: RunWrkOptions): Promise<WrkResult> {
  const { request } = options;
  const script = join(
    options.workDir,
    `wrk-${Date.now()}-${Math.random().toString(36).slice(2)}.lua`,
  );
  const lines = [`wrk.method = ${JSON.stringify(request.method)}`];
  for (const [k, v] of Object.entries(request.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  if (request.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(request.body)}`);
  if (options.countStatuses) {
    lines.push(
      'local threads = {}',
      'setup = function(thread) table.insert(threads, thread) end',
      'init = function(args) statuses = {} end',
      'response = function(status, headers, body)',
      '  statuses[status] = (statuses[status] or 0) + 1',
      'end',
    );
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  local failures = e.connect + e.read + e.write + e.status + e.timeout',
    '  io.write(string.format(',
    '    "BENCH_JSON {\\"requests\\":%d,\\"durationUs\\":%d," ..',
    '      "\\"p50Us\\":%d,\\"p99Us\\":%d,\\"failures\\":%d}\\n",',
    '    summary.requests, summary.duration,',
    '    latency:percentile(50), latency:percentile(99), failures))',
    ...(options.countStatuses
      ? [
          '  local total = {}',
          '  for _, t in ipairs(threads) do',
          '    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end',
          '  end',
          '  local parts = {}',
          '  for k, v in pairs(total) do',
          '    table.insert(parts, string.format("\\"%d\\":%d", k, v))',
          '  end',
          '  io.write("BENCH_STATUSES {" .. table.concat(parts, ",") .. "}\\n")',
        ]
      : []),
    'end',
  );
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = [
    '-t',
    String(options.threads),
    '-c',
    String(options.connections),
    '-d',
    `${options.durationSeconds}s`,
    '-s',
    script,
    `${options.baseUrl}${request.path}`,
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`)),
    );
  });
  const line = output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${output}`);
  const s = JSON.parse(line.slice('BENCH_JSON '.length)) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p99Us: number;
    failures: number;
  };
  const statusLine = output.split('\n').find((l) => l.startsWith('BENCH_STATUSES '));
  return {
    ...(statusLine
      ? {
          statuses: JSON.parse(statusLine.slice('BENCH_STATUSES '.length)) as Record<
            string,
            number
          >,
        }
      : {}),
    requestsPerSecond: s.requests / (s.durationUs / 1e6),
    p50Ms: s.p50Us / 1000,
    p99Ms: s.p99Us / 1000,
    requests: s.requests,
    failures: s.failures,
  };
}
