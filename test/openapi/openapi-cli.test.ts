import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/spawn-server';

describe('pnpm gatehouse openapi', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the document with --out (no server, no database), PUBLIC_URL its server', async () => {
    const out = join(dir, 'openapi.json');
    const run = await runCli(['openapi', '--out', out], { PUBLIC_URL: 'https://api.example.com' });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(doc.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(doc.paths).toHaveProperty('/trpc/system.version');
    await expect(SwaggerParser.validate(doc as never)).resolves.toBeDefined();
  });

  it('prints it without --out, and refuses arguments it does not know', async () => {
    const printed = await runCli(['openapi'], {});
    expect(printed.code, printed.stderr).toBe(0);
    expect((JSON.parse(printed.stdout) as { openapi: string }).openapi).toBe('3.1.0');
    for (const args of [
      ['openapi', '--out'],
      ['openapi', '--bogus'],
    ]) {
      const refused = await runCli(args, {});
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain('usage');
    }
  });
});
