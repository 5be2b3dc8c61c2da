import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../../app-deps';
import { securityEvent } from '../../observability/security-events';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { Arrival, FrontDoorStep } from './front-door-step';

/** Runs the steps after this one, once the request is within its budget. */
export type Resume = (req: IncomingMessage, res: ServerResponse, arrival: Arrival) => void;

/**
 * The per-IP request budget (RATE_LIMIT_IP_PER_MINUTE): a batch spends one
 * unit per call. Over it: `RATE_LIMITED` with Retry-After. The limiter
 * answers asynchronously (Redis), so this step is `pending` and resumes the
 * list itself; an error in it or in a later step answers 500 INTERNAL.
 */
export function limitRate(
  deps: Pick<AppDeps, 'config' | 'metrics' | 'rateLimiter'>,
  resume: Resume,
): FrontDoorStep {
  const { maxBatchSize } = deps.config.http;
  return (req, res, arrival) => {
    const { pathname, search, state } = arrival;
    const units = pathname.startsWith('/trpc/')
      ? countCalls(pathname.slice(6), search, maxBatchSize)
      : 1;
    deps.rateLimiter
      .limitRequest({ headers: req.headers, ip: state.ip }, res, units)
      .then((verdict) => {
        if (verdict.allowed) return resume(req, res, arrival);
        state.reason = 'RATE_LIMITED';
        deps.metrics.rateLimited('ip');
        securityEvent(state.log, {
          type: 'rate_limit.rejected',
          requestId: state.requestId,
          ip: state.ip,
          details: { class: 'ip' },
        });
        const { status, body } = trpcErrorBody(
          'RATE_LIMITED',
          'Too many requests from this address; retry later',
          state.requestId,
        );
        sendJson(res, status, body, { 'retry-after': String(verdict.retryAfterSeconds) });
      })
      .catch((err: unknown) => {
        state.log.error({ err }, 'rate limiter failed');
        const { status, body } = trpcErrorBody(
          'INTERNAL',
          'Internal server error',
          state.requestId,
        );
        sendJson(res, status, body);
      });
    return 'pending';
  };
}

/**
 * Calls in a `/trpc/` request, as the endpoint counts them (`a,,b` is three);
 * at most one past the batch limit.
 */
export function countCalls(path: string, search: string, maxBatchSize: number): number {
  if (new URLSearchParams(search).get('batch') !== '1') return 1;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 1;
  }
  return Math.min(decoded.split(',').length, maxBatchSize + 1);
}
