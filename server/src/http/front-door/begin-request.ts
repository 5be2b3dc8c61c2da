import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../../app-deps';
import { createClientAddressResolver } from '../client-address';
import type { Cors } from '../cors';
import { resolveRequestId } from '../request-id';
import type { RequestState } from '../request-state';
import { createSecurityHeaders, HSTS_VALUE } from '../security-headers';
import type { Arrival } from './front-door-step';

/** Non-tRPC paths with their own metric label (anything else is `other`). */
const PLAIN_ROUTES = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/oauth/token',
  '/.well-known/jwks.json',
]);

export type BeginRequest = (
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
) => Arrival;

/**
 * What every answered request gets first: a request id, the security and
 * CORS headers (HSTS over HTTPS, `Connection: close` while draining), and
 * one access-log line and metric when the response finishes.
 */
export function createBeginRequest(
  deps: Pick<AppDeps, 'config' | 'log' | 'metrics'>,
  cors: Cors,
  isDraining: () => boolean,
): BeginRequest {
  const securityHeaders = createSecurityHeaders();
  const clientAddress = createClientAddressResolver(deps.config.http.trustProxy);
  return function beginRequest(req, res, startedAt) {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const address = clientAddress(req);
    const state: RequestState = {
      requestId,
      ip: address.ip,
      secure: address.secure,
      startedAt,
      log: deps.log.child({ requestId }),
      procedures: [],
      reason: undefined,
    };
    res.setHeader('x-request-id', requestId);
    securityHeaders(req, res);
    if (address.secure) res.setHeader('strict-transport-security', HSTS_VALUE);
    if (isDraining()) res.setHeader('connection', 'close');
    cors.apply(req, res);

    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    res.once('finish', () => {
      const seconds = (performance.now() - state.startedAt) / 1000;
      deps.metrics.observeRequest(
        PLAIN_ROUTES.has(pathname) ? pathname : 'other',
        state.procedures,
        res.statusCode,
        seconds,
      );
      state.log.info(
        {
          method: req.method,
          path: pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname,
          procedures: state.procedures.length > 0 ? state.procedures : undefined,
          status: res.statusCode,
          reason: state.reason,
          ip: state.ip,
          durationMs: Math.round((performance.now() - state.startedAt) * 100) / 100,
        },
        'request',
      );
    });
    return {
      state,
      url,
      q,
      pathname,
      search: q === -1 ? '' : url.slice(q + 1),
      viaPlainHttp: address.viaPlainHttp === true,
      next: 0,
    };
  };
}
