import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite: real processes, its own PostgreSQL cluster and
 * Redis, one file at a time (each file loads the machine on purpose). The
 * timeouts are hang guards: the tests wait for effects, not for deadlines.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/orphan-check.ts'],
    setupFiles: ['test/support/stop-leftover-processes.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
