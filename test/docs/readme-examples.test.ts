import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnServer, type SpawnedServer } from '../support/spawn-server';
import { PACKAGE_TEST_MS } from '../support/deadlines';

const run = promisify(execFile);
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The fenced block after `<!-- example: name -->`, as a user would copy it. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    README,
  );
  if (!m?.[1]) throw new Error(`README has no example "${name}"`);
  return m[1];
}

/** The commands the README gives around the frontend example (project set-up, type-check, run). */
function readmeSteps(): { project: string[]; typecheck: string; run: string } {
  const section = README.slice(
    README.indexOf('## Use from a frontend'),
    README.indexOf('<!-- example: frontend -->'),
  );
  const shell = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
  const lines = shell.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
  const project = lines.filter((l) => l.startsWith('npm init') || l.startsWith('npm pkg'));
  const run = lines.find((l) => l.includes('tsx example.ts'));
  const typecheck = /`(npx tsc --strict[^`]*)`/.exec(section)?.[1];
  if (project.length === 0 || !run || !typecheck)
    throw new Error('README lost the frontend example set-up');
  return { project, typecheck, run };
}

describe('README examples run as written (against a fresh server)', () => {
  let server: SpawnedServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  const start = async (): Promise<SpawnedServer> =>
    (server = await spawnServer({ GATEHOUSE_DATA_DIR: 'memory://' }));
  const pointAt = (code: string, s: SpawnedServer): string =>
    code.replaceAll('http://127.0.0.1:3000', s.url);

  it(
    'README "Use from a frontend" runs and type-checks with the sdk:pack tarball',
    async () => {
      const s = await start();
      const steps = readmeSteps();
      // 1. npx -y pnpm@10 sdk:pack, in the checkout: the last line it prints is the
      //    install command.
      const packed = await run('npx', ['-y', 'pnpm@10', 'sdk:pack'], { cwd: REPO_ROOT });
      const install = /npm install (\S+\.tgz)\s*$/.exec(packed.stdout)?.[1];
      expect(install, packed.stdout).toMatch(/\/dist\/sdk\/gatehouse-client-[\d.]+\.tgz$/);
      // 2. A scratch project outside the repository.
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-frontend-'));
      try {
        for (const step of steps.project) await run('bash', ['-c', step], { cwd: dir });
        await run(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            install!,
            'tsx@4',
            'typescript@5.9',
            '@types/node@20',
          ],
          { cwd: dir },
        );
        writeFileSync(join(dir, 'example.ts'), pointAt(example('frontend'), s));
        // 3. The README's type-check, then its run command.
        const tsc = await run('bash', ['-c', steps.typecheck], { cwd: dir }).catch(
          (err: { stdout?: string }) => ({ stdout: `FAILED\n${err.stdout ?? ''}` }),
        );
        expect(tsc.stdout).toBe('');
        const { stdout } = await run('bash', ['-c', steps.run], { cwd: dir });
        expect(stdout.split('\n').filter(Boolean)).toEqual([
          'signed_in',
          'ada@example.com',
          'INVALID_CREDENTIALS 401',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PACKAGE_TEST_MS,
  );

  it('"Use from Python" (standard library)', async () => {
    const s = await start();
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-py-'));
    try {
      writeFileSync(join(dir, 'example.py'), pointAt(example('python'), s));
      const { stdout } = await run('python3', [join(dir, 'example.py')]);
      expect(stdout.split('\n').filter(Boolean)).toEqual(['gatehouse', 'grace@example.com']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('"Use from curl"', async () => {
    const s = await start();
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-curl-'));
    try {
      writeFileSync(join(dir, 'example.sh'), `set -e\n${pointAt(example('curl'), s)}\n`);
      const { stdout } = await run('bash', [join(dir, 'example.sh')], { cwd: dir });
      expect(stdout).toContain('{"result":{"data":{"name":"gatehouse"');
      expect(stdout).toContain('{"result":{"data":{"accepted":true}}}');
      expect(stdout).toContain('"status":"signed_in"');
      expect(stdout).toContain('"email":"linus@example.com"');
      expect(stdout).toContain('{"result":{"data":{"ok":true}}}');
      expect(stdout).not.toContain('"error"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
