import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_ARGON2_CONCURRENCY } from '../../server/src/config/env-schema';
import type { BenchDatabase } from './bench-database';

/** Environment for the server processes: production-like, limits that never refuse the load. */
export function serverEnv(database: BenchDatabase, workDir: string): Record<string, string> {
  const limits = {
    RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000000',
    RATE_LIMIT_READ_PER_MINUTE: '1000000000',
    RATE_LIMIT_WRITE_PER_MINUTE: '1000000000',
    RATE_LIMIT_ADMIN_PER_MINUTE: '1000000000',
    MAX_CONCURRENT_PER_IP: '100000',
    MAX_CONNECTIONS_PER_IP: '100000',
    // The sign-in flood measures the argon2 cap alone: no lockouts, no per-class refusal.
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000000',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000000',
    // The server's default (cores - 1, 1-3), stated so the flood's raw argon2
    // rate is measured at the same cap.
    ARGON2_CONCURRENCY: String(DEFAULT_ARGON2_CONCURRENCY),
  };
  const common = { LOG_LEVEL: 'info', ...limits };
  if (database.kind === 'embedded' || !database.url) {
    return { ...common, GATEHOUSE_ENV: 'test', GATEHOUSE_DATA_DIR: join(workDir, 'data') };
  }
  return {
    ...common,
    GATEHOUSE_ENV: 'production',
    DATABASE_URL: database.url,
    TRUST_PROXY: '127.0.0.1',
    GATEHOUSE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    METRICS_TOKEN: randomBytes(24).toString('hex'),
  };
}
