import { securityEvent } from '../../observability/security-events';
import type { CsrfGuard } from '../csrf';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

/**
 * A cookie-authenticated call from a foreign Origin (csrf.ts): `CSRF_REJECTED`, connection closed.
 */
export function refuseCrossSite(csrf: CsrfGuard): FrontDoorStep {
  return (req, res, { pathname, state }) => {
    if (csrf(req, state.secure) === undefined) return 'continue';
    state.reason = 'CSRF_REJECTED';
    securityEvent(state.log, {
      type: 'csrf.rejected',
      requestId: state.requestId,
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
      state.requestId,
    );
    sendJson(res, status, body, { connection: 'close' });
    return 'handled';
  };
}
