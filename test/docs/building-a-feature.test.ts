import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRepo, fileHashes, plain, type RepoCopy } from '../support/repo-copy';
import { REPO_ROOT } from '../support/spawn-server';
import { IN_CI, REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';

/**
 * docs/building-a-feature.md, applied as a newcomer would apply it, to a copy of the checkout:
 * every fenced block carries a `<!-- guide: … -->` marker that says what to do with it, in order.
 *
 *   run            each line is one command (no shell: quoting and `\` line joins only), exit 0
 *   file PATH      the whole file, written to PATH
 *   patch          a unified diff, applied with `git apply`
 *   frontend PATH  a file of the reader's frontend app: type-checked by the page's tsc command
 *   not-run WHY    shown, not executed (a server that does not exit, a command this test runs)
 *
 * Then the copy must type-check, and the files the guide created or changed must lint and
 * format clean; the test files it wrote must pass, and so must the tests its patches change in
 * existing test files. The generated test/resources/invoices.test.ts is not run here: the
 * generator's own tests run generated tests.
 */

const GUIDE = 'docs/building-a-feature.md';
// Hang guards, not speed checks: a loaded machine takes minutes (see the commit body).
const GUIDE_MS = 600_000;
const execFileAsync = promisify(execFile);

type Block =
  | { kind: 'run'; line: number; commands: string[][] }
  | { kind: 'file'; line: number; path: string; text: string }
  | { kind: 'patch'; line: number; text: string; paths: string[] }
  | { kind: 'frontend'; line: number; path: string; text: string }
  | { kind: 'not-run'; line: number; why: string };

/** A command line split into words: single and double quotes, `\` + newline; nothing else. */
function wordsOf(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command.charAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && /[$`\\]/.test(c))
        throw new Error(`no expansion inside "…" in a guide command: ${command}`);
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && command.charAt(i + 1) === '\n') {
      i++;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (/[$`|&;<>(){}*?~#\\!]/.test(c)) {
      throw new Error(`a guide command runs without a shell; "${c}" needs one: ${command}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} in a guide command: ${command}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** A path the guide names, inside the folder it is written to. */
function safePath(path: string | undefined, line: number): string {
  if (!path || isAbsolute(path) || normalize(path).startsWith('..'))
    throw new Error(`${GUIDE}:${line}: the marker needs a relative path inside the checkout`);
  return normalize(path);
}

/** Every fenced block of the guide with what its marker says to do. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- guide: ([a-z-]+)(?: (.*?))? -->$/.exec(lines[i] ?? '');
    const fence = /^```[a-z]*$/.test(lines[i] ?? '');
    if (!marker && !fence) continue;
    const line = i + 1;
    if (!marker)
      throw new Error(`${GUIDE}:${line}: a code block without a <!-- guide: … --> marker`);
    if (!/^```[a-z]*$/.test(lines[i + 1] ?? ''))
      throw new Error(`${GUIDE}:${line}: a guide marker not right before a code block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l === '```');
    if (end < 0) throw new Error(`${GUIDE}:${line}: the code block never closes`);
    const text = lines.slice(i + 2, end).join('\n');
    const [, kind, argument] = marker;
    i = end;
    if (kind === 'run')
      blocks.push({
        kind,
        line,
        commands: text
          .replace(/\\\n/g, ' ')
          .split('\n')
          .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
          .map(wordsOf),
      });
    else if (kind === 'file' || kind === 'frontend')
      blocks.push({ kind, line, path: safePath(argument, line), text: `${text}\n` });
    else if (kind === 'patch')
      blocks.push({
        kind,
        line,
        text: `${text}\n`,
        paths: [...text.matchAll(/^\+\+\+ b\/(\S+)$/gm)].map((m) => safePath(m[1], line)),
      });
    else if (kind === 'not-run' && argument) blocks.push({ kind, line, why: argument });
    else throw new Error(`${GUIDE}:${line}: unknown guide marker "${kind} ${argument ?? ''}"`);
  }
  return blocks;
}

/** For each file a diff changes, the line numbers (in the new file) of the lines it adds. */
function addedLines(diff: string): Map<string, number[]> {
  const added = new Map<string, number[]>();
  let lines: number[] = [];
  let next = 0;
  for (const line of diff.split('\n')) {
    const file = /^\+\+\+ b\/(\S+)$/.exec(line);
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (file?.[1]) added.set(file[1], (lines = []));
    else if (hunk) next = Number(hunk[1]);
    else if (line.startsWith('+')) lines.push(next++);
    else if (!line.startsWith('-') && !line.startsWith('\\')) next++;
  }
  return added;
}

/** The names of the tests (`it(…)`/`test(…)`) that hold the given lines of a test file. */
function testsAt(source: string, lineNumbers: readonly number[]): string[] {
  const lines = source.split('\n');
  const names: string[] = [];
  for (const n of lineNumbers)
    for (let i = n - 1; i >= 0; i--) {
      const start = /^\s*(?:it|test)(?:\.\w+)*\(\s*$|^\s*(?:it|test)(?:\.\w+)*\(\s*['"`]/;
      if (!start.test(lines[i] ?? '')) continue;
      const call = `${lines[i] ?? ''} ${lines[i + 1] ?? ''}`;
      const name = /\(\s*(['"`])(.*?)\1/.exec(call)?.[2];
      if (name) names.push(name);
      break;
    }
  return names;
}

interface Ran {
  ok: boolean;
  output: string;
}

/** Runs a program (never a shell) and keeps what it printed, last lines first in mind. */
async function runIn(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('an empty command');
  try {
    const { stdout, stderr } = await execFileAsync(program, args, {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, output: plain(`${stdout}${stderr}`) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message?: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}` || (e.message ?? String(err));
    return { ok: false, output: `$ ${argv.join(' ')}\n${plain(output).slice(-20_000)}` };
  }
}

// The children's environment: a plain shell's, not this vitest worker's (NODE_ENV, VITEST_*).
const BASE_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
};
const TEST_ENV: NodeJS.ProcessEnv = {
  ...BASE_ENV,
  ...(TEST_DATABASE_URL ? { TEST_DATABASE_URL } : {}),
  ...(REDIS_URL ? { REDIS_URL } : {}),
  ...(IN_CI ? { CI: 'true' } : {}),
};

describe(`${GUIDE} applies, block by block, to a copy of the checkout`, () => {
  const markdown = readFileSync(join(REPO_ROOT, GUIDE), 'utf8');
  let copy: RepoCopy | undefined;
  let statusBefore = '';
  let before = new Map<string, string>();
  let applied = false;
  let touched: string[] = [];

  beforeAll(async () => {
    statusBefore = (await runIn(REPO_ROOT, ['git', 'status', '--porcelain'], BASE_ENV)).output;
    copy = copyRepo('gatehouse-guide');
    before = fileHashes(copy.root);
  });
  afterAll(() => {
    copy?.remove();
  });
  const root = (): string => {
    if (!copy) throw new Error('no copy of the checkout');
    return copy.root;
  };
  const scratch = (): string => join(root(), 'test/artifacts/guide');

  it('marks every code block, and says why a block is not run', () => {
    const blocks = blocksOf(markdown);
    const kinds = new Set(blocks.map((b) => b.kind));
    for (const kind of ['run', 'file', 'patch', 'frontend'] as const) expect(kinds).toContain(kind);
  });

  it(
    'runs, writes and patches every block in order',
    async () => {
      const blocks = blocksOf(markdown);
      mkdirSync(scratch(), { recursive: true });
      for (const block of blocks) {
        const where = `${GUIDE}:${block.line}`;
        if (block.kind === 'run') {
          for (const argv of block.commands) {
            const ran = await runIn(root(), argv, BASE_ENV);
            expect(ran.ok, `${where}\n${ran.output}`).toBe(true);
          }
        } else if (block.kind === 'file' || block.kind === 'frontend') {
          const base = block.kind === 'file' ? root() : join(scratch(), 'frontend');
          mkdirSync(dirname(join(base, block.path)), { recursive: true });
          writeFileSync(join(base, block.path), block.text);
        } else if (block.kind === 'patch') {
          const file = join(scratch(), `patch-${block.line}.diff`);
          writeFileSync(file, block.text);
          const ran = await runIn(root(), ['git', 'apply', '--verbose', file], BASE_ENV);
          expect(ran.ok, `${where}: the patch does not apply\n${ran.output}`).toBe(true);
        }
      }
      const after = fileHashes(root());
      const removed = [...before.keys()].filter((path) => !after.has(path));
      expect(removed, 'the guide removes no file').toEqual([]);
      touched = [...after].filter(([path, hash]) => before.get(path) !== hash).map(([p]) => p);
      applied = true;
    },
    GUIDE_MS,
  );

  // The checks are independent: they run at the same time, each in its own processes.
  const bin = (name: string): string => join(root(), 'node_modules/.bin', name);
  const code = (): string[] => touched.filter((path) => /\.(ts|tsx|js)$/.test(path)).sort();

  it.concurrent(
    'the whole project type-checks',
    async ({ expect, skip }) => {
      if (!applied) return skip();
      const ran = await runIn(root(), [bin('tsc'), '-p', 'tsconfig.json'], BASE_ENV);
      expect(ran.ok, ran.output).toBe(true);
    },
    GUIDE_MS,
  );

  it.concurrent(
    'the files it created or changed lint and format clean',
    async ({ expect, skip }) => {
      if (!applied) return skip();
      expect(code()).toContain('server/src/invoices/invoice-policy.ts');
      const [lint, format] = await Promise.all([
        runIn(root(), [bin('eslint'), '--max-warnings', '0', ...code()], BASE_ENV),
        runIn(root(), [bin('prettier'), '--check', ...code()], BASE_ENV),
      ]);
      expect(lint.ok, lint.output).toBe(true);
      expect(format.ok, format.output).toBe(true);
    },
    GUIDE_MS,
  );

  it.concurrent(
    'the frontend component type-checks with the command the guide gives',
    async ({ expect, skip }) => {
      if (!applied) return skip();
      const command = /`npx (tsc --strict [^`]+)`/.exec(markdown)?.[1];
      if (!command) throw new Error(`${GUIDE} lost its "npx tsc --strict …" command`);
      const [, ...args] = wordsOf(command);
      const frontend = blocksOf(markdown).filter((b) => b.kind === 'frontend');
      expect(frontend.map((b) => b.path)).toEqual([args[args.length - 1]]);
      const dir = join(scratch(), 'frontend');
      const ran = await runIn(dir, [bin('tsc'), ...args], BASE_ENV);
      expect(ran.ok, ran.output).toBe(true);
      // Prettier ignores test/artifacts; the reader's app it would not.
      const format = await runIn(
        dir,
        [bin('prettier'), '--check', '--ignore-path', '/dev/null', ...args.slice(-1)],
        BASE_ENV,
      );
      expect(format.ok, format.output).toBe(true);
    },
    GUIDE_MS,
  );

  it.concurrent(
    'the tests it wrote pass, and the tests its patches touch',
    async ({ expect, skip }) => {
      if (!applied) return skip();
      const blocks = blocksOf(markdown);
      const written = blocks.flatMap((b) => (b.kind === 'file' ? [b.path] : []));
      const whole = written.filter((path) => path.endsWith('.test.ts'));
      expect(whole).toContain('test/resources/invoice-payments.test.ts');
      // A test file the guide patches runs only the tests its hunks fall in: the rest of such a
      // file (webhooks.test.ts has a dozen slow ones) is the suite's business, not the guide's.
      const patched = new Map<string, Set<string>>();
      for (const block of blocks)
        if (block.kind === 'patch')
          for (const [path, lines] of addedLines(block.text))
            if (path.endsWith('.test.ts') && !whole.includes(path)) {
              const names = patched.get(path) ?? new Set<string>();
              for (const name of testsAt(readFileSync(join(root(), path), 'utf8'), lines))
                names.add(name);
              patched.set(path, names);
            }
      const pattern = [...patched.values()]
        .flatMap((names) => [...names])
        .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|');
      // A hunk outside any test (an import, a helper) runs the whole file.
      const entire = [...whole, ...[...patched].filter(([, n]) => n.size === 0).map(([p]) => p)];
      const some = [...patched].filter(([, names]) => names.size > 0).map(([path]) => path);
      const runs = [
        { files: entire, args: [] as string[] },
        { files: some, args: ['-t', pattern] },
      ].filter((r) => r.files.length > 0);
      const results = await Promise.all(
        runs.map((r) => runIn(root(), [bin('vitest'), 'run', ...r.args, ...r.files], TEST_ENV)),
      );
      for (const [i, ran] of results.entries()) {
        expect(ran.ok, ran.output).toBe(true);
        const files = runs[i]?.files.length;
        expect(ran.output, ran.output).toMatch(new RegExp(`Test Files\\s+${files} passed`));
      }
    },
    GUIDE_MS,
  );

  it('leaves the real checkout as it was', async () => {
    const status = await runIn(REPO_ROOT, ['git', 'status', '--porcelain'], BASE_ENV);
    expect(status.output).toBe(statusBefore);
  });
});
