import { afterAll } from 'vitest';
import { killLeftoverProcesses } from './kill-on-exit';

// A setup file (vitest.config.ts, vitest.faults.config.ts): after each test
// file's own teardown, no helper process it started may still be running.
afterAll(() => {
  const killed = killLeftoverProcesses();
  if (killed > 0)
    process.stderr.write(`stopped ${killed} helper process(es) a test left running\n`);
});
