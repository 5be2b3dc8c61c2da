import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
const cleanups = new Set<() => void>();
let hooked = false;

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

/**
 * Kills (SIGKILL) every helper process registered with `killOnExit` that is
 * still running; returns how many it found. Run after each test file
 * (./stop-leftover-processes.ts): a helper alive then was leaked by a test
 * that timed out or failed before its own teardown.
 */
export function killLeftoverProcesses(): number {
  let killed = 0;
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort: the next one still runs
    }
    killed++;
  }
  for (const c of children) {
    if (!alive(c)) continue;
    c.kill('SIGKILL');
    killed++;
  }
  return killed;
}

/**
 * The last line of defence for a helper process a test started (a server,
 * redis-server, a probe): if the test process itself ends — normally, or
 * with the SIGTERM vitest stops its workers with — the child is killed with
 * it instead of living on. Tests still stop their children in
 * `finally`/`afterAll`; this only catches what those never reached.
 */
export function killOnExit(child: ChildProcess): void {
  hook();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * For a helper that is not our child (pg_ctl daemonizes PostgreSQL): a
 * synchronous stop, run like `killOnExit`'s kill. Returns the function that
 * unregisters it, for the helper's own orderly stop.
 */
export function cleanUpOnExit(cleanup: () => void): () => void {
  hook();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function hook(): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => killLeftoverProcesses());
    process.once('SIGTERM', () => {
      killLeftoverProcesses();
      // Then die of the signal as if nobody had listened.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  }
}
