import { randomUUID } from 'node:crypto';

const VALID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request's id: the caller's `X-Request-Id` when it is a short token of
 * safe characters, else a fresh UUID (never an echo of arbitrary input, which
 * could forge log lines).
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && VALID.test(incoming)) return incoming;
  return randomUUID();
}
