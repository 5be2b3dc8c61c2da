import type { ServerResponse } from 'node:http';
import { HASHING_BUSY } from '../auth/password-hasher';
import type { Metrics } from '../observability/metrics';
import { securityEvent } from '../observability/security-events';
import type { RequestState } from './request-state';
import { sendJson } from './send-json';
import { trpcErrorBody } from './trpc-error-body';

/**
 * The answer to an `auth.signIn` refused because every password-hashing place
 * is taken: 429 RATE_LIMITED with Retry-After, counted as rate-limit class
 * `password_hashing` in metrics and security events. No tRPC, no database.
 */
export function refuseSignIn(
  metrics: Pick<Metrics, 'rateLimited'>,
  res: ServerResponse,
  state: RequestState,
): void {
  state.reason = 'RATE_LIMITED';
  state.procedures = ['auth.signIn'];
  metrics.rateLimited('password_hashing');
  securityEvent(state.log, {
    type: 'rate_limit.rejected',
    requestId: state.requestId,
    ip: state.ip,
    details: { class: 'password_hashing' },
  });
  const { status, body } = trpcErrorBody('RATE_LIMITED', HASHING_BUSY, state.requestId);
  sendJson(res, status, body, { 'retry-after': '1', 'cache-control': 'no-store' });
}
