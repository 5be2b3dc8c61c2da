// `pnpm test`: the main suite, then the fault suite, always both. Exits
// non-zero if either failed, so one red never hides the other. Arguments
// are passed to both runs (e.g. `pnpm test --reporter=verbose`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const given = process.argv.slice(2);
// With a filter (`pnpm test server/test/http`), the suite it does not match is not a failure.
const extra = given.length > 0 ? ['--passWithNoTests', ...given] : [];

const suites = [
  { name: 'main suite', args: ['run', ...extra] },
  { name: 'fault suite', args: ['run', '-c', 'vitest.faults.config.ts', ...extra] },
];

const results = suites.map(({ name, args }) => {
  const started = Date.now();
  const run = spawnSync(process.execPath, [vitest, ...args], { cwd: root, stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0;
  const outcome = ok ? 'passed' : `FAILED (${run.signal ?? `exit ${run.status}`})`;
  return {
    name,
    ok,
    line: `${name}: ${outcome} in ${seconds} s`,
  };
});

process.stdout.write(`\n${results.map((r) => r.line).join('\n')}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
