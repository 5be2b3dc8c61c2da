import type { Authenticator } from '../pipeline/authenticator';
import { permissionsOfRole } from '../pipeline/global-roles';
import type { Principal } from '../pipeline/principal';
import { readSessionCookie } from './session-cookie';
import type { SessionService, ValidatedSession } from './session-types';

/**
 * The principal a valid session stands for. An impersonation is its user's principal, marked
 * with the administrator; it never counts as a recent re-authentication and never as a second
 * factor (the administrator proved neither of the user's).
 */
export function sessionPrincipal(session: ValidatedSession): Principal {
  const imp = session.impersonation;
  if (imp) {
    return {
      ...userPrincipal(session),
      authLevel: 'password',
      reauthenticatedAt: undefined,
      impersonation: {
        adminId: imp.adminId,
        allowWrites: imp.allowWrites,
        expiresAt: session.expiresAt,
      },
    };
  }
  return userPrincipal(session);
}

function userPrincipal(session: ValidatedSession): Principal {
  return {
    kind: 'session',
    userId: session.userId,
    email: session.user.email,
    role: session.user.role,
    permissions: permissionsOfRole(session.user.role),
    scopes: undefined,
    emailVerified: session.user.emailVerified,
    sessionId: session.id,
    apiKeyId: undefined,
    orgId: undefined,
    // A second factor since turned off no longer counts (an org requiring MFA refuses the session).
    authLevel: session.user.mfaEnabled ? session.authLevel : 'password',
    authMethod: session.authMethod,
    reauthenticatedAt: session.reauthenticatedAt,
  };
}

/**
 * Resolves the session cookie (the one matching the transport) into a
 * principal. A cookie that is malformed, unknown, forged, expired or revoked
 * makes the request anonymous with reason SESSION_INVALID.
 */
export function createSessionAuthenticator(sessions: SessionService): Authenticator {
  return async function sessionAuthenticator(req) {
    const token = readSessionCookie(req.cookies, req.secure);
    if (token === undefined) return undefined;
    const session = await sessions.validate(token);
    if (!session) return { error: 'SESSION_INVALID' };
    return { principal: sessionPrincipal(session), session };
  };
}
