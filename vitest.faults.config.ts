import { defineConfig } from 'vitest/config';

/** The fault-injection suite: real processes, its own PostgreSQL cluster and Redis, one file at a time. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
