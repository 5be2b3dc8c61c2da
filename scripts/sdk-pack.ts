// `npx -y pnpm@10 sdk:pack`: builds and packs @gatehouse/client into dist/sdk/
// (git-ignored) and prints the line that installs it in another project,
// until the package is on a registry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'sdk');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  'npx',
  ['-y', 'pnpm@10', '--filter', '@gatehouse/client', 'pack', '--pack-destination', out],
  { cwd: root, stdio: 'pipe' },
);
const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
if (!tarball) {
  process.stderr.write(`sdk:pack: no tarball in ${out}\n`);
  process.exit(1);
}
process.stdout.write(
  `${join(out, tarball)}\n\n` +
    `Install it in your project with:\n  npm install ${join(out, tarball)}\n`,
);
