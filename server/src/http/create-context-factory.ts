import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reason } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { AuthRequest } from '../pipeline/authenticator';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import type { ValidatedSession } from '../sessions/session-service';
import { securityEvent } from '../observability/security-events';
import { isDatabaseUnavailable } from '../db/is-database-unavailable';
import { AppError } from '../pipeline/app-error';
import { RequestAudit } from '../audit/request-audit';
import { carriesHeaderCredential } from './header-credential';
import { parseCookies } from './parse-cookies';
import type { RequestState } from './request-state';

/**
 * Builds a request's context: authentication runs here, once per HTTP
 * request (not once per batched call), through the configured authenticators.
 */
export function createContextFactory(deps: AppDeps) {
  return async function createContext(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
  ): Promise<Context> {
    // A header credential (Bearer, X-API-Key) decides alone: the cookie beside
    // it is not consulted, so a request CSRF-exempt for its header can never
    // act as the cookie's owner (csrf.ts, header-credential.ts).
    const byHeader = carriesHeaderCredential(req.headers);
    const authReq: AuthRequest = {
      headers: req.headers,
      cookies: byHeader ? {} : parseCookies(req.headers.cookie),
      secure: state.secure,
      ip: state.ip,
      requestId: state.requestId,
    };
    let principal: Principal | null = null;
    let authError: Reason | null = null;
    let session: ValidatedSession | undefined;
    for (const authenticate of deps.authenticators) {
      const outcome = await authenticate(authReq).catch((err: unknown) => {
        if (isDatabaseUnavailable(err))
          throw new AppError('SERVICE_UNAVAILABLE', {
            message: 'The service is temporarily unavailable; retry shortly',
            retryAfterSeconds: 1,
          });
        throw err;
      });
      if (outcome === undefined) continue;
      if ('principal' in outcome) {
        principal = outcome.principal;
        session = outcome.session;
      } else {
        authError = outcome.error;
      }
      break;
    }
    // A header credential no authenticator recognised (junk Bearer, empty X-API-Key).
    if (byHeader && !principal && !authError) authError = 'API_KEY_INVALID';
    deps.metrics.authOutcome(principal ? principal.kind : (authError ?? 'anonymous'));
    // A presented credential that did not verify: forged, tampered, revoked or expired.
    if (authError)
      securityEvent(state.log, {
        type: 'auth.credential_invalid',
        requestId: state.requestId,
        ip: state.ip,
        details: { reason: authError },
      });
    return {
      requestId: state.requestId,
      ip: state.ip,
      secure: state.secure,
      method: req.method ?? 'GET',
      headers: req.headers,
      userAgent: req.headers['user-agent'],
      log: state.log,
      deps,
      principal,
      session,
      authError,
      audit: new RequestAudit(deps.audit, {
        principal,
        ip: state.ip,
        requestId: state.requestId,
        log: state.log,
      }),
      response: {
        setHeader: (name, value) => {
          if (!res.headersSent) res.setHeader(name, value);
        },
        appendCookie: (cookie) => {
          if (res.headersSent) return;
          const existing = res.getHeader('set-cookie');
          const list = Array.isArray(existing)
            ? existing
            : typeof existing === 'string'
              ? [existing]
              : [];
          res.setHeader('set-cookie', [...list, cookie]);
        },
      },
    };
  };
}
