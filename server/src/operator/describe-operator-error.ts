import { DataDirLockedError } from '../db/data-dir-lock';
import { OperatorError } from './operator-error';

/**
 * The settings in use that name a port or a file (`{ PORT: 3000,
 * TLS_CERT_FILE: '/etc/gatehouse/cert.pem' }`), to name the one to change.
 */
export type OperatorSettings = Readonly<Record<string, number | string | undefined>>;

interface SystemError {
  readonly code?: unknown;
  readonly port?: unknown;
  readonly address?: unknown;
  readonly path?: unknown;
  readonly syscall?: unknown;
}

/**
 * One sentence with the fix for an error an operator causes (a busy port, a
 * locked data directory, a missing file, an unreachable database), or
 * undefined for a bug, which keeps its stack.
 *
 * @example
 * const sentence = describeOperatorError(err, { PORT: 3000 });
 * if (sentence) process.stderr.write(`gatehouse: ${sentence}\n`);
 */
export function describeOperatorError(
  err: unknown,
  settings: OperatorSettings = {},
): string | undefined {
  if (err instanceof OperatorError) return err.message;
  if (err instanceof DataDirLockedError) return err.message;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SystemError;
  const setting = Object.keys(settings).find((name) => settings[name] === e.port) ?? 'PORT';
  const fileSetting = Object.keys(settings).find(
    (name) => typeof e.path === 'string' && settings[name] === e.path,
  );
  const file = fileSetting === undefined ? String(e.path) : `${String(e.path)} (${fileSetting})`;
  switch (e.code) {
    case 'EADDRINUSE':
      return `port ${String(e.port)} is in use: stop the other process or set ${setting}`;
    case 'EACCES':
      if (e.syscall === 'listen')
        return (
          `port ${String(e.port)} needs privileges this process does not have: ` +
          `set ${setting} to a port above 1023 and put a reverse proxy in front`
        );
      if (typeof e.path === 'string')
        return `cannot open ${file}: permission denied; give this user access to it`;
      return undefined;
    case 'EADDRNOTAVAIL':
      return (
        `cannot listen on ${String(e.address)}: no network interface has that address; ` +
        "set HOST to one of this machine's addresses (or 0.0.0.0)"
      );
    case 'ENOENT':
      if (typeof e.path === 'string')
        return `cannot open ${file}: no such file or directory; fix the path`;
      return undefined;
    case 'ECONNREFUSED':
      return (
        `cannot reach ${describeAddress(e)} (connection refused): ` +
        'start the service or fix its URL (DATABASE_URL, REDIS_URL)'
      );
    case '28P01':
      return 'PostgreSQL refused the password in DATABASE_URL: fix the user or password';
    case '3D000':
      return (
        'the database named in DATABASE_URL does not exist: ' +
        'create it (createdb <name>) or fix DATABASE_URL'
      );
    default:
      return undefined;
  }
}

function describeAddress(e: SystemError): string {
  if (typeof e.address === 'string' && typeof e.port === 'number') return `${e.address}:${e.port}`;
  // Node 20 reports "localhost" (::1 and 127.0.0.1) as an AggregateError without an address.
  const inner = (e as { errors?: SystemError[] }).errors?.[0];
  if (inner && typeof inner.address === 'string') return `${inner.address}:${String(inner.port)}`;
  return 'the server';
}
