import type { Config } from '../config';

/**
 * How long an instance may serve a validated credential (session, API key) from memory. Safe
 * only while revocations reach every instance at once: pub/sub with Redis, or a single process
 * on the embedded database (10 s); a PostgreSQL deployment without Redis may run several
 * instances that hear nothing of each other (1 s). 0 with SESSION_CACHE=false.
 */
export function credentialCacheTtlMs(
  config: Config,
  databaseKind: string,
  hasRedis: boolean,
): number {
  if (!config.auth.sessionCache) return 0;
  return hasRedis || databaseKind === 'pglite' ? 10_000 : 1_000;
}
