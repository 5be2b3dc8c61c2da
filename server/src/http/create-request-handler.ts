import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../app-deps';
import { migrationStatus } from '../db/migrator';
import { createConcurrencyCap } from '../ratelimit/concurrency-cap';
import { ipRateKey } from '../ratelimit/ip-rate-key';
import { createClientAddressResolver } from './client-address';
import { createCors } from './cors';
import { securityEvent } from '../observability/security-events';
import { credentialInQuery } from './credential-in-query';
import {
  onCredentialOverPlainHttp,
  PLAIN_BODY_SCAN_BYTES,
  PLAIN_BODY_SCAN_MS,
  revokeExposed,
} from './credential-over-plain-http';
import { readBodyPrefix } from './read-body-prefix';
import { createCsrfGuard } from './csrf';
import { resolveRequestId } from './request-id';
import type { RequestState } from './request-state';
import { createSecurityHeaders, HSTS_VALUE } from './security-headers';
import { sendJson } from './send-json';
import { createRefusalQueue } from './refusal-queue';
import { refuseSignIn } from './refuse-sign-in';
import { trpcErrorBody } from './trpc-error-body';
import type { PlainRoute } from './plain-route';
import type { TrpcEndpoint } from './trpc-endpoint';

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** From now on `/readyz` fails and responses close their connections. */
  startDraining(): void;
}

/** Refused on arrival while every password-hashing place is taken (as httpLink and httpBatchLink send it). */
const SIGN_IN_PATH = '/trpc/auth.signIn';
const SIGN_IN_BATCH_URL = `${SIGN_IN_PATH}?batch=1`;
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

/**
 * The HTTP front door, in this order: a sign-in refused on arrival during a
 * flood (answered at low priority), request id, security headers (HSTS over
 * HTTPS), CORS, URL length, concurrent requests per IP, rate limit per IP (a
 * batch spends one unit per call), CORS preflight, CSRF, routing (`/trpc/*`,
 * `/healthz`, `/readyz`), and a JSON 404 for anything else.
 * One access-log line per request.
 */
export function createRequestHandler(
  deps: AppDeps,
  trpc: TrpcEndpoint,
  plainRoutes: readonly PlainRoute[] = [],
): RequestHandler {
  const securityHeaders = createSecurityHeaders();
  const clientAddress = createClientAddressResolver(deps.config.http.trustProxy);
  const { maxUrlLength, maxBatchSize } = deps.config.http;
  const cors = createCors(deps.config.http.corsOrigins);
  const csrf = createCsrfGuard({
    allowlist: deps.config.http.corsOrigins,
    publicUrl: deps.config.http.publicUrl,
  });
  const concurrency = createConcurrencyCap(deps.config.http.maxConcurrentPerIp);
  const refusals = createRefusalQueue((err) =>
    deps.log.error({ err }, 'answering a refusal failed'),
  );
  let draining = false;

  const handler = function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    if (
      req.method === 'POST' &&
      (req.url === SIGN_IN_PATH || req.url === SIGN_IN_BATCH_URL) &&
      deps.signInAdmission.isFull(frontDoorDevice(deps, req))
    ) {
      // A sign-in flood: every password-hashing place is spoken for. Refused
      // before anything else runs, and answered at low priority, after the
      // other requests that are ready (see refusal-queue.ts).
      req.resume();
      refusals.push(
        () => res.destroyed,
        () => refuseSignIn(deps.metrics, res, begin(req, res, startedAt).state),
      );
      return;
    }
    serve(req, res, startedAt);
  } as RequestHandler;

  /** What every answered request gets: request id, security and CORS headers, the access-log line. */
  function begin(
    req: IncomingMessage,
    res: ServerResponse,
    startedAt: number,
  ): { state: RequestState; url: string; q: number; pathname: string; viaPlainHttp: boolean } {
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
    if (draining) res.setHeader('connection', 'close');
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
    return { state, url, q, pathname, viaPlainHttp: address.viaPlainHttp === true };
  }

  function serve(req: IncomingMessage, res: ServerResponse, startedAt: number): void {
    const { state, url, q, pathname, viaPlainHttp } = begin(req, res, startedAt);
    const { requestId } = state;

    if (viaPlainHttp && !deps.config.isDev) {
      // Outside development, a trusted proxy forwarding a plain-HTTP request
      // (its port 80 proxied here) is a plain listener too: refuse as the
      // redirect listener does, and revoke what the request carried.
      state.reason = 'HTTPS_REQUIRED';
      const { status, body } = trpcErrorBody(
        'HTTPS_REQUIRED',
        'This API is served over HTTPS only; a credential sent here has been exposed and is revoked',
        requestId,
      );
      void readBodyPrefix(req, PLAIN_BODY_SCAN_BYTES, PLAIN_BODY_SCAN_MS)
        .then((text) =>
          onCredentialOverPlainHttp(
            req,
            { revoker: deps.exposedCredentialRevoker, log: state.log, ip: state.ip, requestId },
            text,
          ),
        )
        .then(() => {
          req.resume();
          sendJson(res, status, body, { connection: 'close' });
        });
      return;
    }

    if (url.length > maxUrlLength) {
      const { status, body } = trpcErrorBody(
        'URL_TOO_LONG',
        `The URL exceeds ${maxUrlLength} characters`,
        requestId,
      );
      state.reason = 'URL_TOO_LONG';
      sendJson(res, status, body);
      return;
    }
    const inQuery = q === -1 ? undefined : credentialInQuery(url.slice(q + 1));
    if (inQuery?.refused) {
      state.reason = 'API_KEY_IN_QUERY';
      const { status, body } = trpcErrorBody(
        'API_KEY_IN_QUERY',
        'Credentials must not be sent in the URL: URLs end up in logs, browser history and Referer headers. Send the key as "Authorization: Bearer <key>" or "X-API-Key: <key>"; a credential found in this URL has been revoked.',
        requestId,
      );
      req.resume();
      // The URL has been exposed: a working credential in it is revoked, before the answer.
      void revokeExposed(inQuery.found, {
        revoker: deps.exposedCredentialRevoker,
        log: state.log,
        ip: state.ip,
        requestId,
        cause: 'sent in a URL',
      }).then(() => sendJson(res, status, body));
      return;
    }
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      // Liveness probes come from the orchestrator: never limited.
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const slot = ipRateKey(state.ip);
    if (!concurrency.enter(slot)) {
      state.reason = 'RATE_LIMITED';
      deps.metrics.rateLimited('concurrency');
      const { status, body } = trpcErrorBody(
        'RATE_LIMITED',
        'Too many concurrent requests from this address',
        requestId,
      );
      sendJson(res, status, body, { 'retry-after': '1' });
      return;
    }
    res.once('close', () => concurrency.leave(slot));
    const units = pathname.startsWith('/trpc/')
      ? countCalls(pathname.slice(6), q === -1 ? '' : url.slice(q + 1), maxBatchSize)
      : 1;
    deps.rateLimiter
      .limitRequest({ headers: req.headers, ip: state.ip }, res, units)
      .then((verdict) => {
        if (!verdict.allowed) {
          state.reason = 'RATE_LIMITED';
          deps.metrics.rateLimited('ip');
          securityEvent(state.log, {
            type: 'rate_limit.rejected',
            requestId,
            ip: state.ip,
            details: { class: 'ip' },
          });
          const { status, body } = trpcErrorBody(
            'RATE_LIMITED',
            'Too many requests from this address; retry later',
            requestId,
          );
          sendJson(res, status, body, { 'retry-after': String(verdict.retryAfterSeconds) });
          return;
        }
        route(req, res, state, url, pathname, q);
      })
      .catch((err: unknown) => {
        state.log.error({ err }, 'rate limiter failed');
        const { status, body } = trpcErrorBody('INTERNAL', 'Internal server error', requestId);
        sendJson(res, status, body);
      });
  }

  function route(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    url: string,
    pathname: string,
    q: number,
  ): void {
    const { requestId } = state;
    if (cors.isPreflight(req)) {
      const outcome = cors.answerPreflight(req, res);
      if (outcome === 'refused') {
        state.reason = 'CORS_REJECTED';
        const { status, body } = trpcErrorBody(
          'CORS_REJECTED',
          'This origin may not call the API',
          requestId,
        );
        sendJson(res, status, body);
        return;
      }
      res.statusCode = 204;
      res.end();
      return;
    }
    if (csrf(req, state.secure) !== undefined) {
      state.reason = 'CSRF_REJECTED';
      securityEvent(state.log, {
        type: 'csrf.rejected',
        requestId,
        ip: state.ip,
        details: {
          origin: String(req.headers.origin ?? ''),
          fetchSite: String(req.headers['sec-fetch-site'] ?? ''),
          path: pathname.slice(0, 200),
        },
      });
      req.resume();
      const { status, body } = trpcErrorBody(
        'CSRF_REJECTED',
        'Cross-site request refused: a cookie-authenticated call needs an allowed Origin',
        requestId,
      );
      sendJson(res, status, body, { connection: 'close' });
      return;
    }
    if (pathname.startsWith('/trpc/')) {
      res.setHeader('cache-control', 'no-store');
      trpc(req, res, state, pathname.slice(6), q === -1 ? '' : url.slice(q + 1)).catch(
        (err: unknown) => {
          state.log.error({ err }, 'unhandled error in the tRPC endpoint');
          const { status, body } = trpcErrorBody('INTERNAL', 'Internal server error', requestId);
          sendJson(res, status, body);
        },
      );
      return;
    }
    for (const plain of plainRoutes) if (plain(req, res, state, pathname)) return;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (pathname === '/readyz') {
        res.setHeader('cache-control', 'no-store');
        void readiness(deps, draining).then(({ ready, detail }) =>
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', ...detail }),
        );
        return;
      }
    }
    state.reason = 'NOT_FOUND';
    sendJson(res, 404, { error: { message: 'Not found', reason: 'NOT_FOUND', requestId } });
  }

  handler.startDraining = () => {
    draining = true;
  };
  return handler;
}

/** Calls in a `/trpc/` request, as the endpoint counts them (`a,,b` is three); at most one past the batch limit. */
function countCalls(path: string, search: string, maxBatchSize: number): number {
  if (new URLSearchParams(search).get('batch') !== '1') return 1;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 1;
  }
  return Math.min(decoded.split(',').length, maxBatchSize + 1);
}

async function readiness(
  deps: AppDeps,
  draining: boolean,
): Promise<{ ready: boolean; detail: Record<string, unknown> }> {
  if (draining) return { ready: false, detail: { reason: 'SHUTTING_DOWN' } };
  if (!(await deps.database.ping(1_000)))
    return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  try {
    const { pending } = await migrationStatus(deps.db);
    if (pending.length > 0)
      return { ready: false, detail: { reason: 'MIGRATIONS_PENDING', pending } };
  } catch {
    return { ready: false, detail: { reason: 'DATABASE_UNREACHABLE' } };
  }
  return { ready: true, detail: {} };
}

/** The verified device cookie of a sign-in at the front door, before the transport is resolved (either cookie name). */
function frontDoorDevice(deps: AppDeps, req: IncomingMessage): string | undefined {
  return (
    deps.deviceCookies.read(req.headers.cookie, true) ??
    deps.deviceCookies.read(req.headers.cookie, false)
  )?.deviceId;
}
