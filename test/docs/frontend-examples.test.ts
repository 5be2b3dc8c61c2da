import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-server';

const run = promisify(execFile);

/** The docs whose frontend code a team copies; each `ts` block must type-check as written. */
const DOCS = ['docs/sign-in-methods.md', 'docs/account-export.md'];

/** What the snippets take from the page around them: a client and the values a form holds. */
const PRELUDE = [
  "import type { GatehouseClient } from '@gatehouse/client';",
  'declare const client: GatehouseClient;',
  'declare const email: string;',
  'declare const code: string;',
  'declare const password: string;',
  'export {};',
  '',
].join('\n');

function tsBlocks(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
}

describe('frontend examples in the docs', () => {
  it('type-check against the typed client, with the DOM, as written', async () => {
    const dir = join(REPO_ROOT, 'test', 'artifacts', 'doc-examples');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const doc of DOCS) {
      const blocks = tsBlocks(doc);
      expect(blocks.length, `${doc} has ts examples`).toBeGreaterThan(0);
      blocks.forEach((block, i) => {
        const name = `${doc.replace(/[/.]/g, '_')}_${i}.ts`;
        // The client type only: the snippets' imports other than the client resolve as a
        // frontend's would, from the test package.
        const importRe = /^import\b[\s\S]*?\bfrom\s+['"][^'"]+['"];?$/gm;
        const imports = block.match(importRe) ?? [];
        const body = block.replace(importRe, '');
        writeFileSync(join(dir, name), `${imports.join('\n')}\n${PRELUDE}${body}\n`);
        files.push(name);
      });
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['es2022', 'dom', 'dom.iterable'],
          skipLibCheck: true,
          // The client's router type reaches into the server's sources, which use Node's types.
          types: ['node'],
          typeRoots: ['../../../node_modules/@types'],
          baseUrl: '.',
          paths: { '@gatehouse/client': ['../../../client/src/index.ts'] },
        },
        files,
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
    }).then(
      () => ({ ok: true, out: '' }),
      (err: { stdout?: string; stderr?: string }) => ({
        ok: false,
        out: `${err.stdout ?? ''}${err.stderr ?? ''}`,
      }),
    );
    expect(result.out).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
