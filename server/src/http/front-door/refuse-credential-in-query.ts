import type { AppDeps } from '../../app-deps';
import { credentialInQuery } from '../credential-in-query';
import { revokeExposed } from '../credential-over-plain-http';
import { sendJson } from '../send-json';
import { trpcErrorBody } from '../trpc-error-body';
import type { FrontDoorStep } from './front-door-step';

const MESSAGE =
  'Credentials must not be sent in the URL: ' +
  'URLs end up in logs, browser history and Referer headers. ' +
  'Send the key as "Authorization: Bearer <key>" or "X-API-Key: <key>"; ' +
  'a credential found in this URL has been revoked.';

/**
 * A credential in the query string: refused `API_KEY_IN_QUERY`. The URL has
 * been exposed, so a working credential in it is revoked before the answer.
 */
export function refuseCredentialInQuery(
  deps: Pick<AppDeps, 'exposedCredentialRevoker'>,
): FrontDoorStep {
  return (req, res, { q, search, state }) => {
    if (q === -1) return 'continue';
    const inQuery = credentialInQuery(search);
    if (!inQuery.refused) return 'continue';
    state.reason = 'API_KEY_IN_QUERY';
    const { requestId, log, ip } = state;
    const { status, body } = trpcErrorBody('API_KEY_IN_QUERY', MESSAGE, requestId);
    req.resume();
    void revokeExposed(inQuery.found, {
      revoker: deps.exposedCredentialRevoker,
      log,
      ip,
      requestId,
      cause: 'sent in a URL',
    }).then(() => sendJson(res, status, body));
    return 'handled';
  };
}
