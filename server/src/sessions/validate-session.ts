import type { Kysely } from 'kysely';
import { constantTimeEqual } from '../crypto/random-token';
import type { Database } from '../db/database';
import type { SessionCache } from './session-cache';
import { deleteSession, findSessionWithUser, touchSession } from './session-queries';
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
 * expired session, or one whose user is locked, is deleted on sight; use is
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
  if (session.expiresAt <= t || row.locked_at !== null) {
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
