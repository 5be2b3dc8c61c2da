import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import { insertSession } from './session-queries';
import { mintSessionToken } from './session-token';
import type { SessionListItem } from './session-types';
import { toSessionListItem } from './to-session';

/** What an impersonation session is made of. */
export interface NewImpersonation {
  readonly userId: string;
  readonly adminId: string;
  readonly reason: string;
  readonly allowWrites: boolean;
  readonly now: Date;
  /** The time limit; no idle or absolute setting lengthens or shortens it. */
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/**
 * Creates, inside the caller's transaction, a session of `userId` held by an administrator:
 * minted like every session (only SHA-256 of its secret stored), at auth level `password` (the
 * user's second factor was not proven), and never counted as a recent re-authentication (the
 * principal drops it: session-authenticator.ts). The token goes into the administrator's
 * session cookie only.
 */
export async function insertImpersonationSession(
  trx: Transaction<Database>,
  input: NewImpersonation,
): Promise<{ token: string; session: SessionListItem }> {
  const minted = mintSessionToken();
  const row = await insertSession(trx, {
    id: minted.id,
    secretHash: minted.secretHash,
    userId: input.userId,
    authLevel: 'password',
    authMethod: 'impersonation',
    now: input.now,
    expiresAt: input.expiresAt,
    ip: input.ip,
    userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
    impersonation: {
      adminId: input.adminId,
      reason: input.reason,
      allowWrites: input.allowWrites,
    },
  });
  return { token: minted.token, session: toSessionListItem(row, 0) };
}
