import type { AppDeps } from '../../app-deps';
import { createConcurrencyCap } from '../../ratelimit/concurrency-cap';
import { ipRateKey } from '../../ratelimit/ip-rate-key';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

/**
 * At most MAX_CONCURRENT_PER_IP requests in flight per address (IPv6 /64):
 * one more is refused `RATE_LIMITED` with Retry-After 1. The slot is freed
 * when the response closes.
 */
export function capConcurrency(deps: Pick<AppDeps, 'config' | 'metrics'>): FrontDoorStep {
  const concurrency = createConcurrencyCap(deps.config.http.maxConcurrentPerIp);
  return (_req, res, { state }) => {
    const slot = ipRateKey(state.ip);
    if (!concurrency.enter(slot)) {
      state.reason = 'RATE_LIMITED';
      deps.metrics.rateLimited('concurrency');
      const { status, body } = trpcErrorBody(
        'RATE_LIMITED',
        'Too many concurrent requests from this address',
        state.requestId,
      );
      sendJson(res, status, body, { 'retry-after': '1' });
      return 'handled';
    }
    res.once('close', () => concurrency.leave(slot));
    return 'continue';
  };
}
