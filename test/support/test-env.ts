/**
 * The test suite's view of its environment. Tests read these, never
 * `process.env` directly, so the rule "under CI every service-backed test
 * runs" is enforced in one place (global-setup.ts).
 */
export const TEST_DATABASE_URL: string | undefined = process.env.TEST_DATABASE_URL || undefined;
export const REDIS_URL: string | undefined = process.env.REDIS_URL || undefined;
export const IN_CI: boolean = process.env.CI === 'true' || process.env.CI === '1';

/** The database kinds every integration test runs on. */
export const DATABASE_KINDS: readonly ('pglite' | 'postgres')[] = TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];
