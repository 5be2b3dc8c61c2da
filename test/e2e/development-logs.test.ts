import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnServer } from '../support/spawn-server';
import { PROCESS_START_MS } from '../support/deadlines';

const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

/**
 * Runs the server in development under `script(1)` (a pseudo-terminal) until it logs "listening".
 */
async function firstLinesOnATerminal(dataDir: string): Promise<string> {
  const child = spawn(
    'script',
    ['-qfec', `"${process.execPath}" --import tsx server/src/main.ts`, '/dev/null'],
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
    return out;
  } finally {
    // The whole group: script(1) and the server under it.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    await exited;
  }
}

describe('development logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(HAS_SCRIPT)('are pretty on a terminal (one readable line, no JSON)', async () => {
    const out = await firstLinesOnATerminal(join(dir, 'tty'));
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
