import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/spawn-server';
import { PROCESS_START_MS } from '../support/deadlines';

describe('graceful shutdown of the real server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets an in-flight request finish with 200 after SIGTERM, then exits 0', async () => {
    const server = await spawnServer({ GATEHOUSE_DATA_DIR: dataDir });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.once('close', resolve));
    // Headers now, body later: the request is in flight when the signal arrives.
    socket.write(
      'POST /trpc/auth.signOut HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ' +
        'application/json\r\nContent-Length: 2\r\n\r\n',
    );
    await new Promise((r) => setTimeout(r, 200));
    server.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(server.process.exitCode).toBeNull();
    // New connections are no longer accepted.
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(server.port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    socket.write('{}');
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain('{"result":{"data":{"ok":true}}}');
    expect(await server.exited).toBe(0);
    expect(server.output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  it('refuses to start with invalid configuration, naming every problem, no stack', async () => {
    const problem = String.raw`\n {2}- [A-Z_]+[: ]`;
    const threeProblems = new RegExp(
      String.raw`invalid configuration \(3 problems\):${problem}.*${problem}.*${problem}`,
    );
    await expect(
      spawnServer(
        { PORT: 'x', GATEHOUSE_ENV: 'staging', LOG_LEVEL: 'loud', GATEHOUSE_DATA_DIR: dataDir },
        { timeoutMs: PROCESS_START_MS },
      ),
    ).rejects.toThrow(threeProblems);
    try {
      await spawnServer({
        PORT: 'x',
        GATEHOUSE_ENV: 'staging',
        LOG_LEVEL: 'loud',
        GATEHOUSE_DATA_DIR: dataDir,
      });
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toContain('PORT');
      expect(text).toContain('GATEHOUSE_ENV');
      expect(text).toContain('LOG_LEVEL');
      expect(text).toContain('exited with 1');
      expect(text).not.toMatch(/\n\s+at /);
    }
  });
});
