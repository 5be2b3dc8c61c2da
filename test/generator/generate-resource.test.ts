// The generator's CI proof: an owned and a shared org resource, and a personal one, generated
// into a copy of the checkout type-check, lint and format clean, and their generated tests pass
// there; the real tree is untouched.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_TEST_MS } from '../support/deadlines';
import { copyRepo, fileHashes, plain, type RepoCopy } from '../support/repo-copy';
import { REPO_ROOT } from '../support/spawn-server';
import { commandLineOf } from '../../server/src/cli/commands/generate';
import { generateResource } from '../../server/src/generator/generate-resource';
import type { ResourceRequest } from '../../server/src/generator/plan-resource';

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
const NOTE = ['resource', 'note', '--no-org', '--fields', 'title:string(1..200), body:text?'];

// The same two, as requests to the generator in this process (the header names the command).
const INVOICE_REQUEST: ResourceRequest = {
  name: 'invoice',
  owned: true,
  fields: INVOICE[4],
  commandLine: commandLineOf(INVOICE),
};
const LABEL_REQUEST: ResourceRequest = {
  name: 'label',
  owned: false,
  fields: LABEL[3],
  commandLine: commandLineOf(LABEL),
};

const READS_A_LIST =
  /\b(ORG_ROLE_PERMISSIONS|GLOBAL_ROLE_PERMISSIONS|PERMISSIONS|AUDIT_ACTIONS|ORG_KEY_SCOPES)\b/;

/** The test files outside the generator's own that read a list the generator extends. */
function closedListReaders(root: string): string[] {
  const readers: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir))) {
      const path = `${dir}/${entry}`;
      if (entry === 'node_modules' || path === 'test/generator' || path === 'test/resources')
        continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (
        entry.endsWith('.test.ts') &&
        READS_A_LIST.test(readFileSync(join(root, path), 'utf8'))
      )
        readers.push(path);
    }
  };
  for (const dir of ['server/test', 'shared', 'client/test', 'test']) walk(dir);
  return readers;
}

/** One digest of the copy's files, to tell whether anything changed. */
function digest(root: string): string {
  return JSON.stringify([...fileHashes(root)].sort(([a], [b]) => (a < b ? -1 : 1)));
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
  const generate = (
    request: Partial<ResourceRequest> & { name: string; owned: boolean },
    dryRun: boolean,
  ) => generateResource(copy.root, { commandLine: 'test', ...request }, { dryRun });
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
    'writes owned, shared and personal resources, and says nothing to do the second time',
    async () => {
      const first = await cli(INVOICE);
      expect(first.stdout).toMatch(/^create +server\/src\/invoices\/invoice-policy\.ts$/m);
      expect(first.stdout).toMatch(/^create +migrations\/\d{4}_invoices\.ts$/m);
      expect(first.stdout).toMatch(/^update +shared\/src\/permissions\.ts$/m);
      await cli(LABEL);
      const personal = await cli(NOTE);
      expect(personal.stdout).not.toMatch(/org-roles\.ts/);
      const before = digest(copy.root);
      // The rest in this process (the command's output format is shown above).
      const again = await generate(INVOICE_REQUEST, false);
      expect(again).toMatchObject({ ok: true, written: false });
      if (!again.ok) throw new Error(again.problem);
      expect(again.plan.filter((f) => f.action !== 'unchanged')).toEqual([]);
      expect(digest(copy.root)).toBe(before);
      const dry = await generate({ name: 'receipt', owned: false }, true);
      if (!dry.ok) throw new Error(dry.problem);
      expect(dry.plan).toContainEqual(
        expect.objectContaining({
          path: 'server/src/receipts/receipts-router.ts',
          action: 'create',
        }),
      );
      expect(existsSync(join(copy.root, 'server/src/receipts'))).toBe(false);
      expect(digest(copy.root)).toBe(before);
      const perms = readFileSync(join(copy.root, 'shared/src/permissions.ts'), 'utf8');
      for (const p of ['invoice:read', 'invoice:write', 'invoice:write:any', 'label:write'])
        expect(perms.split(`'${p}'`)).toHaveLength(2); // exactly once
      expect(perms).not.toContain("'label:write:any'");
      // A personal resource's permissions are the global user role's, never an org role's.
      const orgRoles = readFileSync(join(copy.root, 'server/src/orgs/org-roles.ts'), 'utf8');
      const userRole = readFileSync(join(copy.root, 'server/src/pipeline/global-roles.ts'), 'utf8');
      expect(orgRoles).not.toContain("'note:");
      expect(userRole).toContain("'note:read'");
    },
    PACKAGE_TEST_MS,
  );

  it(
    'refuses names that are taken or reserved, and an edited file, writing nothing',
    async () => {
      const before = digest(copy.root);
      const refused = async (request: Partial<ResourceRequest>): Promise<string> => {
        const result = await generate({ name: 'x', owned: false, ...request }, false);
        expect(result.ok, JSON.stringify(request)).toBe(false);
        return result.ok ? '' : result.problem;
      };
      expect(await refused({ name: 'project' })).toMatch(/server\/src\/projects\/ is an existing/);
      expect(await refused({ name: 'select' })).toMatch(/SQL reserved word/);
      expect(await refused({ name: 'webhook-endpoint' })).toMatch(
        /collides with the table `webhook_endpoints`/,
      );
      expect(await refused({ name: 'memo', fields: 'x:money' })).toMatch(/unknown type/);
      expect(await refused({ name: 'memo', owned: true, personal: true })).toMatch(
        /--owned and --no-org do not go together/,
      );
      // A generated file the team edited is theirs: a second run stops instead of overwriting.
      const policy = join(copy.root, 'server/src/labels/label-policy.ts');
      const edited = `${readFileSync(policy, 'utf8')}// edited\n`;
      writeFileSync(policy, edited);
      expect(await refused(LABEL_REQUEST)).toMatch(/label-policy\.ts exists and differs/);
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
        'server/src/notes',
        'shared/src/schemas/invoices.ts',
        'shared/src/schemas/labels.ts',
        'shared/src/schemas/notes.ts',
        'test/resources',
        ...readdirSync(join(copy.root, 'migrations'))
          .filter((f) => /_(invoices|labels|notes)\.ts$/.test(f))
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
      // The generated tests on every database this run has, and every test that reads a
      // closed list the generator extends (role tables, permissions, key scopes, audit actions)
      // or renders from the router (the procedure table).
      const tests = await tool('vitest', [
        'run',
        'test/resources',
        ...closedListReaders(copy.root),
        'test/security/api9-improper-inventory-management.test.ts',
      ]);
      const summary = plain(tests.stdout);
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
      for (const api of ['invoices', 'labels', 'notes'])
        for (const p of ['create', 'get', 'list', 'update', 'delete'])
          expect(paths).toContain(`/trpc/${api}.${p}`);
    },
    PACKAGE_TEST_MS,
  );

  it('left the real checkout as it was', async () => {
    expect(await gitStatus()).toBe(realStatus);
  });
});
