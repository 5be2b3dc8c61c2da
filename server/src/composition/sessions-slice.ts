import type { DatabaseDeps, RedisDeps, SessionDeps } from '../app-deps';
import type { Config } from '../config';
import type { RevocationBus } from '../sessions/revocation-bus';
import { createSessionService } from '../sessions/session-service';
import type { Slice } from './slice';

/**
 * The session service. Cached sessions are safe only while revocations reach
 * every instance at once: pub/sub with Redis, or a single process on the
 * embedded database (10 s cache); otherwise 1 s.
 */
export function sessionsSlice(
  config: Config,
  { database, db }: DatabaseDeps,
  { redis }: RedisDeps,
  bus: RevocationBus,
): Slice<SessionDeps> {
  const cacheTtlMs = !config.auth.sessionCache
    ? 0
    : redis || database.kind === 'pglite'
      ? 10_000
      : 1_000;
  const sessions = createSessionService({
    db,
    idleMs: config.auth.sessionIdleMs,
    absoluteMs: config.auth.sessionAbsoluteMs,
    bus,
    cacheTtlMs,
  });
  return { deps: { sessions }, close: () => undefined };
}
