import type { Transaction } from 'kysely';
import type { AppDeps } from '../app-deps';
import { revokeAllUserKeys } from '../api-keys/api-key-queries';
import type { Database } from '../db/database';
import { markUserTokensRevoked } from '../oauth/mark-user-tokens-revoked';
import { deleteUserSessions } from '../sessions/session-queries';

/** What {@link endAllAccess} revoked, for the audit row and {@link announceEndedAccess}. */
export interface EndedAccess {
  readonly userId: string;
  readonly sessionIds: readonly string[];
  readonly apiKeyIds: readonly string[];
}

/**
 * Ends every credential of a user inside the caller's transaction: sessions deleted, API keys
 * revoked, live access tokens dead (the watermark). Call {@link announceEndedAccess} after the
 * commit so that caches on every instance drop them.
 */
export async function endAllAccess(
  trx: Transaction<Database>,
  userId: string,
): Promise<EndedAccess> {
  const sessionIds = await deleteUserSessions(trx, userId);
  const apiKeyIds = await revokeAllUserKeys(trx, userId);
  await markUserTokensRevoked(trx, userId);
  return { userId, sessionIds, apiKeyIds };
}

/** Tells this instance and the others (revocation bus) what {@link endAllAccess} ended. */
export async function announceEndedAccess(
  deps: Pick<AppDeps, 'sessions' | 'tokenRevocations' | 'apiKeysChanged'>,
  ended: EndedAccess,
): Promise<void> {
  await deps.sessions.forgetUser(ended.userId);
  deps.tokenRevocations.userTokensRevoked(ended.userId);
  if (ended.apiKeyIds.length > 0) {
    await deps.apiKeysChanged(ended.apiKeyIds);
    await deps.tokenRevocations.keysRevoked(ended.apiKeyIds);
  }
}
