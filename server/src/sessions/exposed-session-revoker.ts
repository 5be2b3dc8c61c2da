import type { AppDeps } from '../app-deps';
import type { ExposedCredentialRevoker } from '../http/credential-over-plain-http';
import type { AuditSink } from '../pipeline/audit-sink';
import type { SessionService } from './session-types';

/**
 * Revokes a session whose cookie crossed the network in clear text (over
 * plain HTTP or in a URL), and audits it as the system's act. Other
 * credential kinds are left to their own revokers. It runs at the front
 * door, before any context, principal or `ctx.audit` exists (an exposed
 * credential is never authenticated), so it writes to the audit sink
 * directly with the system actor.
 */
export function createExposedSessionRevoker(deps: {
  sessions: SessionService;
  audit: AuditSink;
  db: AppDeps['db'];
}): ExposedCredentialRevoker {
  return async function revokeExposedSession(credential, request) {
    if (credential.kind !== 'session') return;
    const session = await deps.sessions.validate(credential.value);
    if (!session) return;
    await deps.sessions.revoke(session.id);
    await deps.audit.append(deps.db, {
      action: 'session.revoke_exposed',
      actor: { type: 'system', id: null },
      target: { type: 'session', id: session.id },
      outcome: 'success',
      ip: request.ip,
      requestId: request.requestId,
      details: { userId: session.userId, cause: request.cause ?? 'sent over plain HTTP' },
    });
  };
}

/** Runs every revoker in turn: each recognises its own kind of credential. */
export function combineRevokers(
  revokers: readonly ExposedCredentialRevoker[],
): ExposedCredentialRevoker {
  return async function revokeExposed(credential, request) {
    for (const revoke of revokers) await revoke(credential, request);
  };
}
