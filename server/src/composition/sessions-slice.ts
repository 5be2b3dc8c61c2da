import type { DatabaseDeps, RedisDeps, SessionDeps } from '../app-deps';
import type { Config } from '../config';
import type { RevocationBus } from '../sessions/revocation-bus';
import { createSessionService } from '../sessions/session-service';
import { credentialCacheTtlMs } from './credential-cache-ttl';
import type { Slice } from './slice';

/** The session service, its cache as long as credentialCacheTtlMs allows. */
export function sessionsSlice(
  config: Config,
  { database, db }: DatabaseDeps,
  { redis }: RedisDeps,
  bus: RevocationBus,
): Slice<SessionDeps> {
  const cacheTtlMs = credentialCacheTtlMs(config, database.kind, redis !== undefined);
  const sessions = createSessionService({
    db,
    idleMs: config.auth.sessionIdleMs,
    absoluteMs: config.auth.sessionAbsoluteMs,
    bus,
    cacheTtlMs,
  });
  return { deps: { sessions }, close: () => undefined };
}
