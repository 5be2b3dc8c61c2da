import type { AppDeps } from '../../app-deps';
import {
  onCredentialOverPlainHttp,
  PLAIN_BODY_SCAN_BYTES,
  PLAIN_BODY_SCAN_MS,
} from '../credential-over-plain-http';
import { readBodyPrefix } from '../read-body-prefix';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

const MESSAGE =
  'This API is served over HTTPS only; ' + 'a credential sent here has been exposed and is revoked';

/**
 * Outside development, a trusted proxy forwarding a plain-HTTP request (its
 * port 80 proxied here) is a plain listener too: refused as the redirect
 * listener does (403 HTTPS_REQUIRED), and what the request carried is revoked.
 */
export function refusePlainHttp(
  deps: Pick<AppDeps, 'config' | 'exposedCredentialRevoker'>,
): FrontDoorStep {
  const allowed = deps.config.isDev;
  return (req, res, { viaPlainHttp, state }) => {
    if (!viaPlainHttp || allowed) return 'continue';
    state.reason = 'HTTPS_REQUIRED';
    const { requestId, log, ip } = state;
    const { status, body } = trpcErrorBody('HTTPS_REQUIRED', MESSAGE, requestId);
    void readBodyPrefix(req, PLAIN_BODY_SCAN_BYTES, PLAIN_BODY_SCAN_MS)
      .then((text) =>
        onCredentialOverPlainHttp(
          req,
          { revoker: deps.exposedCredentialRevoker, log, ip, requestId },
          text,
        ),
      )
      .then(() => {
        req.resume();
        sendJson(res, status, body, { connection: 'close' });
      });
    return 'handled';
  };
}
