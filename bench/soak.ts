import { readdirSync, readFileSync } from 'node:fs';
import { writeSection } from './lib/results-file';
import { runWrk, type WrkRequest } from './lib/run-wrk';
import type { Target } from './lib/spawn-target';

export interface SoakResult {
  readonly minutes: number;
  readonly capacity: number;
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly samples: readonly {
    readonly minute: number;
    readonly rssMb: number;
    readonly openFiles: number;
  }[];
}

function rssMb(pid: number): number {
  return (
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
  );
}

function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * `pnpm bench --soak`: measures capacity on `request` with wrk, then sends
 * half of it at a steady rate for `minutes`, sampling the server's RSS and
 * open file count every 15 s and counting every non-2xx answer.
 */
export async function soak(
  target: Target,
  request: WrkRequest,
  minutes: number,
  workDir: string,
  log: (m: string) => void,
): Promise<SoakResult> {
  if (target.pid === undefined) throw new Error('no server pid');
  const pid = target.pid;
  const capacity = (
    await runWrk({
      baseUrl: target.url,
      request,
      durationSeconds: 5,
      connections: 50,
      threads: 1,
      workDir,
    })
  ).requestsPerSecond;
  const targetRate = Math.max(1, Math.floor(capacity / 2));
  log(
    `capacity ≈ ${Math.round(capacity)} req/s; soaking at ${targetRate} req/s for ${minutes} min`,
  );
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  let inFlight = 0;
  const samples: { minute: number; rssMb: number; openFiles: number }[] = [];
  const started = Date.now();
  const end = started + minutes * 60_000;
  const fire = (): void => {
    inFlight++;
    fetch(`${target.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        requests++;
        if (res.status < 200 || res.status > 299) non2xx++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => {
        inFlight--;
      });
  };
  const tickMs = 20;
  const perTick = targetRate / (1000 / tickMs);
  let credit = 0;
  let nextSample = started;
  while (Date.now() < end) {
    credit += perTick;
    // Never pile up more than a second of requests if the server falls behind.
    while (credit >= 1 && inFlight < targetRate) {
      fire();
      credit -= 1;
    }
    if (Date.now() >= nextSample) {
      samples.push({
        minute: (Date.now() - started) / 60_000,
        rssMb: rssMb(pid),
        openFiles: openFiles(pid),
      });
      nextSample += 15_000;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
  samples.push({
    minute: (Date.now() - started) / 60_000,
    rssMb: rssMb(pid),
    openFiles: openFiles(pid),
  });
  return {
    minutes,
    capacity,
    targetRate,
    achievedRate: requests / ((Date.now() - started) / 1000),
    requests,
    non2xx,
    errors,
    samples,
  };
}

/** Replaces the `## Soak` section of RESULTS.md (the table above it is left alone). */
export function writeSoak(file: string, result: SoakResult, database: string): void {
  const rss = result.samples.map((s) => s.rssMb);
  const fds = result.samples.map((s) => s.openFiles);
  const firstHalf = rss.slice(1, Math.ceil(rss.length / 2));
  const secondHalf = rss.slice(Math.ceil(rss.length / 2));
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const section = [
    `\`pnpm bench --soak\` on ${new Date().toISOString()} (${database}): ` +
      '`auth.me` with a session cookie at half the measured capacity.',
    '',
    '| | |',
    '|---|---|',
    `| length | ${result.minutes} min |`,
    `| capacity (wrk, 50 connections, 5 s) | ${Math.round(result.capacity)} req/s |`,
    `| target / achieved rate | ${result.targetRate} / ${Math.round(result.achievedRate)} req/s |`,
    `| requests | ${result.requests} |`,
    `| non-2xx answers | ${result.non2xx} |`,
    `| transport errors | ${result.errors} |`,
    `| RSS first / max / last | ${rss[0]?.toFixed(0)} / ${Math.max(...rss).toFixed(0)} / ` +
      `${rss.at(-1)?.toFixed(0)} MB |`,
    '| RSS mean, first half → second half | ' +
      `${avg(firstHalf).toFixed(0)} → ${avg(secondHalf).toFixed(0)} MB |`,
    `| open files first / max / last | ${fds[0]} / ${Math.max(...fds)} / ${fds.at(-1)} |`,
  ].join('\n');
  writeSection(file, 'Soak', section);
}
