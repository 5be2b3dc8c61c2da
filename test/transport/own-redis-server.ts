import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { killOnExit } from '../support/kill-on-exit';
import { PROCESS_START_MS } from '../support/deadlines';

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the process (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function start(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killOnExit(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      // Never leave a half-started redis-server behind.
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 30 s:\n${out}`));
    }, PROCESS_START_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

/**
 * A private redis-server child process on a free port, so a test can stop
 * and restart Redis without touching the machine's shared one.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await start(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    async restart() {
      child = await start(port);
    },
  };
}
