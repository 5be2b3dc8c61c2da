import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../app-deps';
import { migrationStatus } from '../db/migrator';
import { createClientAddressResolver } from './client-address';
import { resolveRequestId } from './request-id';
import type { RequestState } from './request-state';
import { createSecurityHeaders, HSTS_VALUE } from './security-headers';
import { sendJson } from './send-json';
import { trpcErrorBody } from './trpc-error-body';
import type { TrpcEndpoint } from './trpc-endpoint';

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** From now on `/readyz` fails and responses close their connections. */
  startDraining(): void;
}

/**
 * The HTTP front door, in this order: request id, security headers, URL
 * length, routing (`/trpc/*`, `/healthz`, `/readyz`), and a JSON 404 for
 * anything else. One access-log line per request.
 */
export function createRequestHandler(deps: AppDeps, trpc: TrpcEndpoint): RequestHandler {
  const securityHeaders = createSecurityHeaders();
  const clientAddress = createClientAddressResolver(deps.config.http.trustProxy);
  const { maxUrlLength } = deps.config.http;
  let draining = false;

  const handler = function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const address = clientAddress(req);
    const state: RequestState = {
      requestId,
      ip: address.ip,
      secure: address.secure,
      startedAt: performance.now(),
      log: deps.log.child({ requestId }),
      procedures: [],
      reason: undefined,
    };
    res.setHeader('x-request-id', requestId);
    securityHeaders(req, res);
    if (address.secure) res.setHeader('strict-transport-security', HSTS_VALUE);
    if (draining) res.setHeader('connection', 'close');

    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    res.once('finish', () => {
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

    if (url.length > maxUrlLength) {
      const { body } = trpcErrorBody('URL_TOO_LONG', `The URL exceeds ${maxUrlLength} characters`, requestId);
      state.reason = 'URL_TOO_LONG';
      sendJson(res, 414, body);
      return;
    }
    if (pathname.startsWith('/trpc/')) {
      res.setHeader('cache-control', 'no-store');
      trpc(req, res, state, pathname.slice(6), q === -1 ? '' : url.slice(q + 1)).catch((err: unknown) => {
        state.log.error({ err }, 'unhandled error in the tRPC endpoint');
        const { status, body } = trpcErrorBody('INTERNAL', 'Internal server error', requestId);
        sendJson(res, status, body);
      });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (pathname === '/healthz') {
        res.setHeader('cache-control', 'no-store');
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      if (pathname === '/readyz') {
        res.setHeader('cache-control', 'no-store');
        void readiness(deps, draining).then(({ ready, detail }) => sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', ...detail }));
        return;
      }
    }
    state.reason = 'NOT_FOUND';
    sendJson(res, 404, { error: { message: 'Not found', reason: 'NOT_FOUND', requestId } });
  } as RequestHandler;

  handler.startDraining = () => {
    draining = true;
  };
  return handler;
}

async function readiness(deps: AppDeps, draining: boolean): Promise<{ ready: boolean; detail: Record<string, unknown> }> {
  if (draining) return { ready: false, detail: { reason: 'SHUTTING_DOWN' } };
  if (!(await deps.database.ping(1_000))) return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  try {
    const { pending } = await migrationStatus(deps.db);
    if (pending.length > 0) return { ready: false, detail: { reason: 'MIGRATIONS_PENDING', pending } };
  } catch {
    return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  }
  return { ready: true, detail: {} };
}
