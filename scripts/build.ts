// `npx -y pnpm@10 build`: compiles the server (with shared/ and migrations/
// bundled in) to JavaScript under server/dist/, and the client SDK to
// client/dist/ (tsup). Production then runs `node server/dist/main.js`
// (`npx -y pnpm@10 start:prod`), without tsx. npm dependencies stay external:
// they resolve from server/node_modules at run time, as in development.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'server', 'dist');

/** Bundle our own workspace packages (TypeScript sources); leave every npm package external. */
const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@gatehouse/') ? undefined : { path: args.path, external: true },
    );
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'server/src/main.ts', cli: 'server/src/cli/main.ts' },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: true,
  splitting: true,
  plugins: [externalNpmPackages],
  logLevel: 'warning',
});
// Read at run time relative to the module (auth/common-passwords.ts).
cpSync(join(root, 'server', 'src', 'auth', 'data'), join(out, 'data'), { recursive: true });
// Piped: npx under pnpm warns about pnpm's npm_config_* variables; a failure still shows its
// output.
execFileSync('npx', ['-y', 'pnpm@10', '--filter', '@gatehouse/client', 'build'], {
  cwd: root,
  stdio: 'pipe',
});
process.stdout.write(`built server/dist/main.js, server/dist/cli.js and client/dist/\n`);
