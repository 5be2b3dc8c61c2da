// The generator's CI proof: two resources generated into a copy of the checkout type-check,
// lint and format clean, and their generated tests pass there; the real tree is untouched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_TEST_MS } from '../support/deadlines';
import { copyRepo, type RepoCopy } from '../support/repo-copy';
import { REPO_ROOT } from '../support/spawn-server';

const run = promisify(execFile);

const INVOICE = [
  'resource',
  'invoice',
  '--owned',
  '--fields',
  'title:string(1..200), amountCents:int(>=0), dueOn:date?, status:enum(draft|sent|paid)=draft',
];
const LABEL = [
  'resource',
  'label',
  '--fields',
  'label:string(..40), note:text?, pinned:boolean=false, remindAt:datetime?, weight:int(0..100)',
];

/** A digest of every file under the copy's source folders, to tell whether anything changed. */
function digest(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry === 'node_modules') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  for (const dir of ['server', 'shared', 'migrations', 'test', 'docs']) walk(join(root, dir));
  return hash.digest('hex');
}

async function gitStatus(): Promise<string> {
  return (await run('git', ['status', '--porcelain'], { cwd: REPO_ROOT })).stdout;
}

describe('gatehouse generate resource, in a copy of the checkout', () => {
  let copy: RepoCopy;
  let realStatus: string;
  const cli = (args: readonly string[]): Promise<{ stdout: string; stderr: string }> =>
    run(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'generate', ...args], {
      cwd: copy.root,
    });
  const tool = (bin: string, args: readonly string[], timeout = PACKAGE_TEST_MS) =>
    run(join(copy.root, 'node_modules/.bin', bin), args, {
      cwd: copy.root,
      timeout,
      maxBuffer: 64 * 1024 * 1024,
    });

  beforeAll(async () => {
    realStatus = await gitStatus();
    copy = copyRepo('gatehouse-generate');
  }, PACKAGE_TEST_MS);
  afterAll(() => copy?.remove());

  it(
    'writes an owned and a shared resource, and says nothing to do the second time',
    async () => {
      const first = await cli(INVOICE);
      expect(first.stdout).toMatch(/^create +server\/src\/invoices\/invoice-policy\.ts$/m);
      expect(first.stdout).toMatch(/^create +migrations\/\d{4}_invoices\.ts$/m);
      expect(first.stdout).toMatch(/^update +shared\/src\/permissions\.ts$/m);
      await cli(LABEL);
      const before = digest(copy.root);
      const again = await cli(INVOICE);
      expect(again.stdout).toContain('nothing to do: the resource is generated already');
      expect(again.stdout).not.toMatch(/^(create|update) /m);
      expect(digest(copy.root)).toBe(before);
      const dry = await cli(['resource', 'receipt', '--dry-run']);
      expect(dry.stdout).toMatch(/^create +server\/src\/receipts\/receipts-router\.ts$/m);
      expect(dry.stdout).toContain('dry run: nothing was written');
      expect(existsSync(join(copy.root, 'server/src/receipts'))).toBe(false);
      expect(digest(copy.root)).toBe(before);
      const perms = readFileSync(join(copy.root, 'shared/src/permissions.ts'), 'utf8');
      for (const p of ['invoice:read', 'invoice:write', 'invoice:write:any', 'label:write'])
        expect(perms.split(`'${p}'`)).toHaveLength(2); // exactly once
      expect(perms).not.toContain("'label:write:any'");
    },
    PACKAGE_TEST_MS,
  );

  it(
    'refuses names that are taken or reserved, and an edited file, writing nothing',
    async () => {
      const before = digest(copy.root);
      const refused = async (args: string[]): Promise<string> => {
        const e = await cli(args).then(
          () => undefined,
          (err: unknown) => err as { code: number; stderr: string },
        );
        expect(e?.code, args.join(' ')).toBe(1);
        return e?.stderr ?? '';
      };
      expect(await refused(['resource', 'project'])).toMatch(
        /server\/src\/projects\/ is an existing/,
      );
      expect(await refused(['resource', 'select'])).toMatch(/SQL reserved word/);
      expect(await refused(['resource', 'webhook-endpoint'])).toMatch(
        /collides with the table `webhook_endpoints`/,
      );
      expect(await refused(['resource', 'note', '--fields', 'x:money'])).toMatch(/unknown type/);
      // A generated file the team edited is theirs: a second run stops instead of overwriting.
      const policy = join(copy.root, 'server/src/labels/label-policy.ts');
      const edited = `${readFileSync(policy, 'utf8')}// edited\n`;
      writeFileSync(policy, edited);
      expect(await refused(LABEL)).toMatch(/label-policy\.ts exists and differs/);
      expect(readFileSync(policy, 'utf8')).toBe(edited);
      writeFileSync(policy, edited.replace('// edited\n', ''));
      expect(digest(copy.root)).toBe(before);
    },
    PACKAGE_TEST_MS,
  );

  it(
    'type-checks, lints and formats clean, and the generated tests pass',
    async () => {
      await tool('tsc', ['-p', 'tsconfig.json']);
      const generated = [
        'server/src/invoices',
        'server/src/labels',
        'shared/src/schemas/invoices.ts',
        'shared/src/schemas/labels.ts',
        'test/resources',
        ...readdirSync(join(copy.root, 'migrations'))
          .filter((f) => /_(invoices|labels)\.ts$/.test(f))
          .map((f) => `migrations/${f}`),
      ];
      const edited = [
        'shared/src/permissions.ts',
        'shared/src/index.ts',
        'server/src/pipeline/global-roles.ts',
        'server/src/orgs/org-roles.ts',
        'server/src/audit/audit-actions.ts',
        'server/src/db/database.ts',
        'server/src/app-router.ts',
        'migrations/index.ts',
      ];
      await tool('eslint', ['--max-warnings', '0', ...generated, ...edited]);
      await tool('prettier', ['--check', ...generated, ...edited]);
      // The generated tests on every database this run has, and every test that reads the
      // closed lists: the server's unit tests (role tables, key scopes), the documented lists,
      // the procedure table.
      const tests = await tool('vitest', [
        'run',
        'test/resources',
        'server/test',
        'test/docs/closed-lists-docs.test.ts',
        'test/security/api9-improper-inventory-management.test.ts',
      ]);
      // eslint-disable-next-line no-control-regex
      const summary = tests.stdout.replace(/\x1b\[[0-9;]*m/g, '');
      expect(summary).toMatch(/Test Files +(\d+) passed \(\1\)/);
      expect(summary).not.toMatch(/failed/);
    },
    PACKAGE_TEST_MS,
  );

  it(
    'the OpenAPI document serves the new procedures with no other step',
    async () => {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'server/src/cli/main.ts', 'openapi'],
        { cwd: copy.root, maxBuffer: 64 * 1024 * 1024 },
      );
      const paths = Object.keys((JSON.parse(stdout) as { paths: object }).paths);
      for (const api of ['invoices', 'labels'])
        for (const p of ['create', 'get', 'list', 'update', 'delete'])
          expect(paths).toContain(`/trpc/${api}.${p}`);
    },
    PACKAGE_TEST_MS,
  );

  it('left the real checkout as it was', async () => {
    expect(await gitStatus()).toBe(realStatus);
  });
});
