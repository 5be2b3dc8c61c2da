import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a listed origin may send (the SDK's and curl users' headers). */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-api-key',
  'x-request-id',
  'idempotency-key',
  'trpc-accept',
];
export const CORS_ALLOWED_METHODS = ['GET', 'POST'];
/** Response headers a listed origin's script may read. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
];
/** Seconds a browser may cache a preflight answer (Chromium caps at 7200). */
export const CORS_MAX_AGE_SECONDS = 600;

export interface Cors {
  /** Sets the CORS headers of an actual (non-preflight) response. */
  apply(req: IncomingMessage, res: ServerResponse): void;
  /** Whether this is a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`). */
  isPreflight(req: IncomingMessage): boolean;
  /**
   * Answers a preflight: 204 with the allowances for a listed origin, 403 with no CORS headers
   * otherwise.
   */
  answerPreflight(req: IncomingMessage, res: ServerResponse): 'allowed' | 'refused';
}

/**
 * CORS from an exact allowlist (`CORS_ORIGINS`). Credentials are allowed only
 * for a listed origin, echoed back exactly; `*` (refused in production by the
 * config) only ever yields `Access-Control-Allow-Origin: *` without
 * credentials. `Vary: Origin` on every response, so caches never serve one
 * origin's answer to another.
 */
export function createCors(allowlist: readonly string[]): Cors {
  const listed = new Set(allowlist.filter((o) => o !== '*'));
  const wildcard = allowlist.includes('*');
  const originOf = (req: IncomingMessage): string | undefined => {
    const o = req.headers.origin;
    return typeof o === 'string' && o.length > 0 ? o : undefined;
  };
  const allow = (res: ServerResponse, origin: string): boolean => {
    if (listed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      return true;
    }
    if (wildcard) {
      res.setHeader('access-control-allow-origin', '*');
      return true;
    }
    return false;
  };

  return {
    apply(req, res) {
      appendVary(res, 'Origin');
      keepVary(res, 'Origin');
      const origin = originOf(req);
      if (origin === undefined || !allow(res, origin)) return;
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    },
    isPreflight(req) {
      return (
        req.method === 'OPTIONS' &&
        originOf(req) !== undefined &&
        req.headers['access-control-request-method'] !== undefined
      );
    },
    answerPreflight(req, res) {
      appendVary(res, 'Origin');
      appendVary(res, 'Access-Control-Request-Method');
      appendVary(res, 'Access-Control-Request-Headers');
      const origin = originOf(req);
      if (origin === undefined || !allow(res, origin)) return 'refused';
      res.setHeader('access-control-allow-methods', CORS_ALLOWED_METHODS.join(', '));
      res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
      res.setHeader('access-control-max-age', String(CORS_MAX_AGE_SECONDS));
      return 'allowed';
    },
  };
}

function appendVary(res: ServerResponse, field: string): void {
  const existing = res.getHeader('vary');
  const list = (
    Array.isArray(existing) ? existing.join(',') : typeof existing === 'string' ? existing : ''
  )
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.some((v) => v.toLowerCase() === field.toLowerCase())) list.push(field);
  res.setHeader('vary', list.join(', '));
}

/**
 * Later handlers (tRPC sets `Vary: trpc-accept, accept`) replace the header;
 * merge instead, so a cache never serves one origin's answer to another.
 */
function keepVary(res: ServerResponse, field: string): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = function setHeaderKeepingVary(
    name: string,
    value: number | string | readonly string[],
  ) {
    if (name.toLowerCase() !== 'vary') return setHeader(name, value);
    const merged = [...(Array.isArray(value) ? value : [String(value)])].join(', ');
    const has = merged.split(',').some((v) => v.trim().toLowerCase() === field.toLowerCase());
    return setHeader(name, has ? merged : `${merged}, ${field}`);
  };
}
