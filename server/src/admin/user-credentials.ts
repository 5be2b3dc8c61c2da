import type { ApiKeyInfo, Ok, SessionInfo } from '@gatehouse/shared';
import { listUserKeys, revokeUserKey } from '../api-keys/api-key-queries';
import { toApiKeyInfo } from '../api-keys/to-api-key-info';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { toSessionInfo } from '../sessions/to-session-info';
import { noSuchUser } from './access-changer';
import { getUser } from './admin-user-queries';

/** An administrator looking at, or revoking, one user's credentials. */
export interface CredentialAdmin {
  readonly deps: Pick<AppDeps, 'db' | 'sessions' | 'tokenRevocations' | 'apiKeysChanged'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
}

/**
 * The user's live sessions, as `sessions.list` shows them to their owner
 * (never a secret or hash); `current` marks the caller's own session.
 */
export async function listSessionsOfUser(
  ctx: CredentialAdmin,
  id: string,
): Promise<{ sessions: SessionInfo[] }> {
  if (!(await getUser(ctx.deps.db, id))) throw noSuchUser();
  const sessions = await ctx.deps.sessions.list(id);
  return { sessions: sessions.map((s) => toSessionInfo(s, ctx.principal.sessionId)) };
}

/** The user's API keys' metadata (never their secrets), as `apiKeys.list` shows them. */
export async function listApiKeysOfUser(
  ctx: CredentialAdmin,
  id: string,
): Promise<{ apiKeys: ApiKeyInfo[] }> {
  if (!(await getUser(ctx.deps.db, id))) throw noSuchUser();
  return { apiKeys: (await listUserKeys(ctx.deps.db, id)).map(toApiKeyInfo) };
}

/**
 * Revokes one key of this user: the key id and the user id are both in the
 * UPDATE's WHERE, so another user's key id (or an unknown, or already revoked,
 * one) answers NOT_FOUND and revokes nothing. Announced like `apiKeys.revoke`:
 * its live JWTs and cached copies stop here at once and on every instance
 * through the revocation bus.
 */
export async function revokeApiKeyOfUser(
  ctx: CredentialAdmin,
  input: { userId: string; keyId: string },
): Promise<Ok> {
  const { deps } = ctx;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await revokeUserKey(trx, input.userId, input.keyId)))
      throw new AppError('NOT_FOUND', { message: 'No such API key' });
    await ctx.audit.record(trx, 'admin.user.revoke_api_key', {
      target: { type: 'api_key', id: input.keyId },
      details: { userId: input.userId },
    });
  });
  await deps.tokenRevocations?.keysRevoked([input.keyId]);
  await deps.apiKeysChanged([input.keyId]);
  return { ok: true };
}
