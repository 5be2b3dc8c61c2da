import { IN_CI, REDIS_URL, TEST_DATABASE_URL } from './test-env';

/**
 * Under CI, tests that need PostgreSQL or Redis must run: a missing URL fails the run instead of
 * skipping.
 */
export default function setup(): void {
  if (!IN_CI) return;
  const missing = [!TEST_DATABASE_URL && 'TEST_DATABASE_URL', !REDIS_URL && 'REDIS_URL'].filter(
    Boolean,
  );
  if (missing.length > 0) {
    throw new Error(
      `CI=true but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: ` +
        `service-backed tests must run in CI, not skip`,
    );
  }
}
