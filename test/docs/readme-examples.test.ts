import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnServer, type SpawnedServer } from '../support/spawn-server';

const run = promisify(execFile);
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The fenced block after `<!-- example: name -->`, as a user would copy it. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (!m?.[1]) throw new Error(`README has no example "${name}"`);
  return m[1];
}

describe('README examples run as written (against a fresh server)', () => {
  let server: SpawnedServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  const start = async (): Promise<SpawnedServer> => (server = await spawnServer({ GATEHOUSE_DATA_DIR: 'memory://' }));
  const pointAt = (code: string, s: SpawnedServer): string => code.replaceAll('http://127.0.0.1:3000', s.url);

  it('"Use from a frontend" (TypeScript, @gatehouse/client)', async () => {
    const s = await start();
    const dir = join(REPO_ROOT, 'test', 'artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-frontend.mts');
    writeFileSync(file, pointAt(example('frontend'), s));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: join(REPO_ROOT, 'test') });
    expect(stdout.split('\n').filter(Boolean)).toEqual(['signed_in', 'ada@example.com', 'INVALID_CREDENTIALS 401']);
  });

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
