/**
 * PostgreSQL error codes that mean "the server is going away or not there", not "your query is
 * wrong".
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * Whether an error (or its cause chain) says the database cannot be reached
 * right now. Such failures answer 503 SERVICE_UNAVAILABLE (retry later)
 * instead of a 500 that looks like a bug.
 */
/** What node-postgres says when the connection is gone or never came up. */
const CONNECTION_LOST = new RegExp(
  [
    'Connection terminated',
    'connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'terminating connection',
  ].join('|'),
  'i',
);

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof e.code === 'string' &&
      (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_ERRNOS.has(e.code))
    )
      return true;
    if (typeof e.message === 'string' && CONNECTION_LOST.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}
