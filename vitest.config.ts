import { defineConfig } from 'vitest/config';

/**
 * The main suite. Files run in 3 worker processes: most of a file's time is
 * spent waiting on servers, PostgreSQL and child processes, so on a 2-core
 * machine 3 keep both cores busy where vitest's default (cores - 1 = 1) ran
 * every file one after another. The timeouts are hang guards, not speed
 * requirements: no test asserts how fast the machine is.
 */
export default defineConfig({
  test: {
    include: [
      'shared/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'client/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'test/faults/**'],
    globalSetup: [
      'test/support/global-setup.ts',
      'test/support/pglite-snapshot-setup.ts',
      'test/support/orphan-check.ts',
    ],
    setupFiles: ['test/support/stop-leftover-processes.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 3,
    typecheck: { enabled: true, include: ['**/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
