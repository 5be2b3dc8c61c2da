import type { PlainRoute } from '../http/plain-route';

/** What `GET /` answers in development: where to look next. */
export const DEVELOPMENT_INDEX = {
  name: 'gatehouse',
  message:
    'Gatehouse is running. The API is tRPC under /trpc/<procedure>; these pages describe it.',
  links: {
    docs: '/docs',
    openapi: '/openapi.json',
    health: '/healthz',
    readiness: '/readyz',
  },
} as const;

/**
 * `GET /` in development: a small JSON answer naming /docs, /openapi.json
 * and the health probes, instead of a bare 404. Not registered outside
 * development, where `/` stays a 404 (nothing to advertise to scanners).
 */
export function createDevelopmentIndexRoute(): PlainRoute {
  const body = JSON.stringify(DEVELOPMENT_INDEX, null, 2);
  return function developmentIndexRoute(req, res, _state, pathname) {
    if (pathname !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    res.statusCode = 200;
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'no-cache');
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
