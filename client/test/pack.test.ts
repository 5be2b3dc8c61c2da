import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_TEST_MS } from '../../test/support/deadlines';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const GOOD = `
import {
  createGatehouseClient,
  isGatehouseError,
  SignUpInput,
  REASONS,
  type RouterOutputs,
} from '@gatehouse/client';

const client = createGatehouseClient({
  url: 'https://api.example.com',
  credentials: 'cookie',
  timeoutMs: 5000,
});

export async function main(): Promise<string> {
  try {
    const v: RouterOutputs['system']['version'] = await client.system.version.query();
    await client.auth.signUp.mutate({
      email: 'a@example.com',
      password: 'a long enough passphrase',
    });
    const parsed = SignUpInput.safeParse({ email: 'a@example.com', password: 'short' });
    return parsed.success ? v.version : REASONS[0];
  } catch (err) {
    if (isGatehouseError(err, 'INVALID_CREDENTIALS', 'RATE_LIMITED')) {
      return err.reason + (err.requestId ?? '');
    }
    throw err;
  }
}
`;

const BAD = `
import { createGatehouseClient } from '@gatehouse/client';
const url = 'https://api.example.com';
const client = createGatehouseClient({ url, credentials: { apiKey: 'key' } });
export const call = client.auth.signIn.mutate({ email: 42, password: 'x' });
`;

function tsconfig(file: string): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      // A browser project. tRPC's own types use `Disposable`; skipLibCheck stays
      // off so our bundled declaration file is checked in full.
      lib: ['ES2022', 'DOM', 'DOM.Iterable', 'ESNext.Disposable'],
      types: [],
      skipLibCheck: false,
    },
    files: [file],
  });
}

async function tsc(dir: string, project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'node_modules/typescript/bin/tsc'), '-p', project],
      { cwd: dir },
    );
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? 1, output: e.stdout ?? '' };
  }
}

describe('the packed @gatehouse/client in a project without the server', () => {
  let work: string;
  let project: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gatehouse-pack-'));
    await run(
      'npx',
      ['-y', 'pnpm@10', '--filter', '@gatehouse/client', 'pack', '--pack-destination', work],
      { cwd: repoRoot },
    );
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('pack produced no tarball');
    project = join(work, 'consumer');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        join(work, tarball),
        'typescript@5.9',
      ],
      { cwd: project },
    );
    await writeFile(join(project, 'good.ts'), GOOD);
    await writeFile(join(project, 'bad.ts'), BAD);
    await writeFile(join(project, 'tsconfig.good.json'), tsconfig('good.ts'));
    await writeFile(join(project, 'tsconfig.bad.json'), tsconfig('bad.ts'));
  }, PACKAGE_TEST_MS);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs with only its own dependencies and points at the built files', async () => {
    const pkg = JSON.parse(
      await readFile(join(project, 'node_modules/@gatehouse/client/package.json'), 'utf8'),
    );
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'zod']);
    expect(await readdir(join(project, 'node_modules/@gatehouse'))).toEqual(['client']);
    const dts = await readFile(
      join(project, 'node_modules/@gatehouse/client/dist/index.d.ts'),
      'utf8',
    );
    expect(dts).not.toMatch(/@gatehouse\/(server|shared)|kysely|pino|ioredis/);
  });

  it(
    'compiles a correct sample',
    async () => {
      const result = await tsc(project, 'tsconfig.good.json');
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    },
    PACKAGE_TEST_MS,
  );

  it(
    'refuses a sample that passes a wrong input type',
    async () => {
      const result = await tsc(project, 'tsconfig.bad.json');
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(
        /bad\.ts\(5,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/,
      );
    },
    PACKAGE_TEST_MS,
  );

  it('loads at runtime without any server code', async () => {
    const script = [
      "const m = await import('@gatehouse/client');",
      'console.log(typeof m.createGatehouseClient, m.REASONS.length > 0, m.MAX_BATCH_ITEMS,',
      '  typeof m.SignUpInput.safeParse);',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
    });
    expect(stdout.trim()).toBe('function true 10 function');
  });
});
