import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A global setup (both vitest configs): when the run ends, no process that
 * started during it from this checkout may be left orphaned (parent pid 1).
 * Such a process is a helper a test lost track of, e.g. a server under
 * script(1), which runs in its own session and outlives a kill of script's
 * group. It is stopped, and the run fails naming it. Linux only (/proc);
 * elsewhere the check does nothing.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const GRACE_MS = 10_000;

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly startTicks: number;
  readonly cwd: string;
  readonly command: string;
}

function inspect(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return {
      pid,
      ppid: Number(fields[1]),
      startTicks: Number(fields[19]),
      cwd: readlinkSync(`/proc/${pid}/cwd`),
      command,
    };
  } catch {
    return undefined; // gone, or another user's
  }
}

function orphansSince(startTicks: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = inspect(Number(name));
    if (!p || p.ppid !== 1 || p.startTicks < startTicks) continue;
    if (p.cwd === ROOT || p.cwd.startsWith(`${ROOT}/`)) found.push(p);
  }
  return found;
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default function setup(): (() => Promise<void>) | undefined {
  const self = inspect(process.pid);
  if (!self) return undefined;
  return async () => {
    let left = orphansSince(self.startTicks);
    // A helper stopped just before the end may still be exiting.
    for (let waited = 0; left.length > 0 && waited < GRACE_MS; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
      left = left.filter((p) => running(p.pid));
    }
    if (left.length === 0) return;
    for (const p of left) process.kill(p.pid, 'SIGKILL');
    process.stderr.write(
      `\nFAIL: a test left ${left.length} process(es) running after the run (now stopped):\n` +
        `${left.map((p) => `  pid ${p.pid}: ${p.command}`).join('\n')}\n`,
    );
    // vitest reports a teardown error but still exits 0: the exit code says it instead.
    process.exitCode = 1;
  };
}
