import { join } from 'node:path';
import type { BenchRun } from './bench-run';
import { log } from './log';
import type { Measurement } from './measurement';
import { runWrk, type WrkRequest, type WrkResult } from './run-wrk';
import { spawnTarget, type SpawnTargetOptions, type Target } from './spawn-target';

const WARMUP_SECONDS = 3;

/** The processes a run starts, and how it measures them. */
export interface BenchTargets {
  /** Starts a process and keeps it until {@link stop} or {@link stopAll}. */
  start(options: SpawnTargetOptions): Promise<Target>;
  stop(target: Target): Promise<void>;
  /** Stops what is still running, last started first. */
  stopAll(): Promise<void>;
  /** A warm-up, then the measured wrk run. */
  measure(target: Target, request: WrkRequest): Promise<WrkResult>;
  /**
   * Starts a baseline or reference, checks it answers 200, measures it into
   * a row and stops it: idle processes still hold memory.
   */
  measureProcess(
    spawn: SpawnTargetOptions,
    request: WrkRequest,
    row: Omit<Measurement, 'result'>,
  ): Promise<void>;
  /** The Gatehouse server (started first: with PostgreSQL it migrates the fresh database). */
  startGatehouse(): Promise<Target>;
}

/** Phase 2: the processes under measurement. */
export function benchTargets(run: BenchRun): BenchTargets {
  const running: Target[] = [];
  const { options, workDir } = run;
  const wrk = (target: Target, request: WrkRequest, durationSeconds: number) =>
    runWrk({
      baseUrl: target.url,
      request,
      durationSeconds,
      connections: options.connections,
      threads: 1,
      workDir,
    });
  const targets: BenchTargets = {
    async start(spawnOptions) {
      log(`starting ${spawnOptions.name}`);
      const target = await spawnTarget({ ...spawnOptions, execPath: run.execPath });
      running.push(target);
      return target;
    },
    async stop(target) {
      await target.stop();
      running.splice(running.indexOf(target), 1);
    },
    async stopAll() {
      for (const t of running.splice(0).reverse()) await t.stop();
    },
    async measure(target, request) {
      await wrk(target, request, WARMUP_SECONDS);
      return wrk(target, request, options.durationSeconds);
    },
    async measureProcess(spawn, request, row) {
      const target = await targets.start(spawn);
      try {
        await expectOk(target, request);
        log(`measuring ${row.id}`);
        run.rows.push({ ...row, result: await targets.measure(target, request) });
      } finally {
        await targets.stop(target);
      }
    },
    startGatehouse: () =>
      targets.start({
        name: 'gatehouse',
        script: 'server/src/main.ts',
        args: run.database.kind === 'postgres' ? ['--migrate'] : [],
        env: { ...run.env, GATEHOUSE_DATA_DIR: join(workDir, 'data-gatehouse') },
        logFile: join(workDir, 'gatehouse.log'),
        readyPath: '/readyz',
      }),
  };
  return targets;
}

/** Throws unless the target answers the request with 200. */
export async function expectOk(target: Target, request: WrkRequest): Promise<void> {
  const res = await fetch(`${target.url}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`${target.name} answered ${res.status}: ${text.slice(0, 300)}`);
}
