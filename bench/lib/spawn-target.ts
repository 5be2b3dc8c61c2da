import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_ENV } from './bench-env';
import { freePort } from './free-port';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A process under test, listening on loopback. */
export interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface SpawnTargetOptions {
  readonly name: string;
  /** Script path from the repository root, run with tsx. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Output goes here, not through a pipe to us (a pipe would cost the bench's CPU). */
  readonly logFile: string;
  /** Polled until it answers 200. */
  readonly readyPath: string;
  /** The Node.js binary (default: the bench's own). */
  readonly execPath?: string;
  /** Flags for Node.js itself, before the script (`--cpu-prof`, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts a server process on a free port (`PORT`), its output to a file,
 * and waits until `readyPath` answers 200.
 */
export async function spawnTarget(options: SpawnTargetOptions): Promise<Target> {
  const port = await freePort();
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(
    options.execPath ?? process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: BENCH_ENV.path,
        HOME: BENCH_ENV.home,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...options.env,
      },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.name} exited with ${child.exitCode}:\n${tail(options.logFile)}`);
    try {
      const res = await fetch(`${url}${options.readyPath}`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become ready:\n${tail(options.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: options.name,
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no output)';
  }
}
