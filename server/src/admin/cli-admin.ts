import type { Kysely } from 'kysely';
import { appendAuditEvent } from '../audit/audit-writer';
import { findUserByEmail, insertUser, markEmailVerified } from '../auth/user-queries';
import type { Database } from '../db/database';
import { deleteUserSessions } from '../sessions/session-queries';
import { setRole } from './admin-user-queries';

/** The CLI acts as the system, on behalf of whoever runs it on the host. */
const CLI_ACTOR = { type: 'system', id: null } as const;

export type CliPromoteResult =
  | { readonly outcome: 'missing' }
  | { readonly outcome: 'already' }
  | { readonly outcome: 'promoted'; readonly userId: string; readonly sessionsRevoked: number };

/**
 * `gatehouse admin promote`: in one transaction the account gets the global
 * admin role and loses its sessions (its privileges changed; a running server
 * drops cached copies within its cache TTL), with one `admin.cli.promote`
 * audit event.
 */
export function promoteToAdminFromCli(
  db: Kysely<Database>,
  email: string,
): Promise<CliPromoteResult> {
  return db.transaction().execute(async (trx) => {
    const user = await findUserByEmail(trx, email);
    if (!user) return { outcome: 'missing' } as const;
    if (user.role === 'admin') return { outcome: 'already' } as const;
    await setRole(trx, user.id, 'admin');
    const revoked = await deleteUserSessions(trx, user.id);
    await appendAuditEvent(trx, {
      action: 'admin.cli.promote',
      actor: CLI_ACTOR,
      target: { type: 'user', id: user.id },
      outcome: 'success',
      details: { from: user.role, to: 'admin', sessionsRevoked: revoked.length },
    });
    return { outcome: 'promoted', userId: user.id, sessionsRevoked: revoked.length } as const;
  });
}

/**
 * `gatehouse admin create`: a verified account with the global admin role and
 * one `admin.cli.create` audit event, in one transaction. Returns the new id,
 * or undefined when the email has an account already (nothing is written).
 * The password is hashed by the caller, before any connection is held.
 */
export function createAdminFromCli(
  db: Kysely<Database>,
  input: { readonly email: string; readonly name: string | null; readonly passwordHash: string },
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, { ...input, role: 'admin' });
    if (!user) return undefined;
    await markEmailVerified(trx, user.id);
    await appendAuditEvent(trx, {
      action: 'admin.cli.create',
      actor: CLI_ACTOR,
      target: { type: 'user', id: user.id },
      outcome: 'success',
      details: { role: 'admin' },
    });
    return user.id;
  });
}
