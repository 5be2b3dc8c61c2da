import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnServer } from '../support/spawn-server';
import { PROCESS_START_MS } from '../support/deadlines';
import { cleanUpOnExit } from '../support/kill-on-exit';

const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** The first child of a process (Linux), or undefined. */
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the server in development under `script(1)` (a pseudo-terminal) until it logs "listening".
 */
async function firstLinesOnATerminal(
  dataDir: string,
): Promise<{ out: string; serverPid: number | undefined }> {
  const child = spawn(
    'script',
    // `exec`: the server replaces script's shell, so it is script's one child.
    ['-qfec', `exec "${process.execPath}" --import tsx server/src/main.ts`, '/dev/null'],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TERM: 'xterm',
        GATEHOUSE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        GATEHOUSE_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let serverPid: number | undefined;
  let forget = (): void => {};
  const findServer = (): void => {
    if (serverPid !== undefined || child.pid === undefined) return;
    const pid = childOf(child.pid);
    if (pid === undefined) return;
    serverPid = pid;
    // If this worker dies before the finally below, the server dies with it.
    forget = cleanUpOnExit(() => {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening" line:\n${out}`)),
        PROCESS_START_MS,
      );
      child.stdout.on('data', () => {
        if (out.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    findServer();
    return { out, serverPid };
  } finally {
    // Found even when "listening" never came (the server may be up and silent).
    findServer();
    // The server first, by its own pid: it runs in the terminal's session, not in script's
    // process group, and it handles SIGHUP (certificate reload), so closing the terminal alone
    // can leave it running.
    if (serverPid !== undefined) await stopProcess(serverPid);
    forget();
    // Then script(1) itself.
    if (child.pid !== undefined && isRunning(child.pid)) process.kill(-child.pid, 'SIGINT');
    await exited;
  }
}

/** SIGTERM (the server's graceful stop), then SIGKILL if it is still there after 10 s. */
async function stopProcess(pid: number): Promise<void> {
  if (!isRunning(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && isRunning(pid); waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  if (isRunning(pid)) process.kill(pid, 'SIGKILL');
}

describe('development logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(HAS_SCRIPT)('are pretty on a terminal (one readable line, no JSON)', async () => {
    const { out, serverPid } = await firstLinesOnATerminal(join(dir, 'tty'));
    // The server under the terminal is stopped too, not left running once script(1) is gone.
    expect(serverPid).toBeTypeOf('number');
    expect(isRunning(serverPid ?? 0)).toBe(false);
    const line = out.split(/\r?\n/).find((l) => l.includes('listening')) ?? '';
    expect(line).not.toMatch(/^\s*\{/);
    expect(line).toMatch(/INFO/);
    expect(line).toMatch(/listening/);
  });

  it('stay JSON when stdout is not a terminal, in development too', async () => {
    const server = await spawnServer({
      GATEHOUSE_ENV: 'development',
      GATEHOUSE_DATA_DIR: join(dir, 'pipe'),
    });
    try {
      const line = server.output.find((l) => l.includes('"msg":"listening"'));
      expect(line && (JSON.parse(line) as { msg: string }).msg).toBe('listening');
    } finally {
      await server.stop();
    }
  });
});
