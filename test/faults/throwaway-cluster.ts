import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanUpOnExit } from '../support/kill-on-exit';

const run = promisify(execFile);

/** Debian's PostgreSQL binaries (the newest installed major), if any. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(base, majors[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of our own, made with initdb on a free port, so the
 * fault tests can stop and restart a database without touching the shared
 * one. As root, the server runs as the `postgres` system user (initdb
 * refuses root).
 */
export async function startThrowawayCluster(): Promise<Cluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-faults-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = async (cmd: string, args: string[]): Promise<void> => {
    if (asRoot)
      await run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir });
    else await run(join(bin, cmd), args, { cwd: dir });
  };
  try {
    await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  const opts = [
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const ctl = (action: string, extra: string[] = []): Promise<void> =>
    as('pg_ctl', [
      '-D',
      data,
      '-o',
      opts,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '60',
      ...extra,
      action,
    ]);
  // However the test ends (a failed start included), the cluster is stopped and its files removed.
  const forget = cleanUpOnExit(() => {
    const args = ['-D', data, '-m', 'immediate', 'stop'];
    try {
      if (asRoot)
        execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], {
          cwd: dir,
          stdio: 'ignore',
        });
      else execFileSync(join(bin, 'pg_ctl'), args, { cwd: dir, stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const destroy = async (): Promise<void> => {
    forget();
    await ctl('stop', ['-m', 'immediate']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ctl('start');
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => ctl('start'),
    stop: () => ctl('stop', ['-m', 'fast']),
    restart: () => ctl('restart', ['-m', 'fast']),
    destroy,
  };
}
