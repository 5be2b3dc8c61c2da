import type { Kysely } from 'kysely';
import { constantTimeEqual } from '../crypto/random-token';
import type { Database } from '../db/database';
import type { SessionCache } from './session-cache';
import {
  deleteSession,
  findSessionWithUser,
  touchSession,
  type SessionWithUserRow,
} from './session-queries';
import { parseSessionToken } from './session-token';
import type { ValidatedSession } from './session-types';
import { toValidatedSession } from './to-session';

const HOUR = 3_600_000;

/** What validating a session token reads and writes. */
export interface SessionValidation {
  readonly db: Kysely<Database>;
  readonly cache: SessionCache;
  readonly idleMs: number;
  readonly now: () => Date;
}

/**
 * A session token to the session it names, or undefined. The secret is
 * compared in constant time against the cached or stored SHA-256; an
 * expired session, one whose user is locked, or an impersonation whose
 * administrator is no longer an active administrator (or whose user became
 * one) is deleted on sight; use is
 * recorded at most once an hour, so a busy session costs no write per request.
 */
export async function validateSession(
  deps: SessionValidation,
  token: string,
): Promise<ValidatedSession | undefined> {
  const { db, cache, idleMs } = deps;
  const parsed = parseSessionToken(token);
  if (!parsed) return undefined;
  const t = deps.now();
  const cached = cache.get(parsed.id, t.getTime());
  if (cached) {
    if (!constantTimeEqual(cached.secretHash, parsed.secretHash)) return undefined;
    if (cached.session.expiresAt > t) return cached.session;
    cache.evict(parsed.id);
  }
  const stamp = cache.stamp();
  const row = await findSessionWithUser(db, parsed.id);
  if (!row) return undefined;
  const stored = Buffer.from(row.secret_hash);
  if (!constantTimeEqual(stored, parsed.secretHash)) return undefined;
  let session = toValidatedSession(row, idleMs);
  if (session.expiresAt <= t || row.locked_at !== null || !impersonationStands(row)) {
    await deleteSession(db, row.id);
    cache.evict(row.id);
    return undefined;
  }
  if (t.getTime() - session.lastUsedAt.getTime() >= HOUR) {
    await touchSession(db, row.id, t);
    session = toValidatedSession({ ...row, last_used_at: t }, idleMs);
  }
  cache.set(session, stored, t.getTime(), stamp);
  return session;
}

/**
 * An impersonation holds only while its administrator is still an active administrator and its
 * user is not one: a lock, a ban, a demotion or an erasure of the administrator ends it on the
 * next uncached read even where the revocation bus message was missed.
 */
function impersonationStands(row: SessionWithUserRow): boolean {
  if (row.impersonator_id === null) return true;
  return (
    row.impersonator_role === 'admin' && row.impersonator_locked_at === null && row.role !== 'admin'
  );
}
