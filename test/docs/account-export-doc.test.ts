import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountExportDoc } from '../../server/src/account/account-export-schema';
import { REPO_ROOT } from '../support/spawn-server';

describe('docs/account-export.md', () => {
  it('carries the JSON Schema generated from the export schema', () => {
    const committed = readFileSync(join(REPO_ROOT, 'docs', 'account-export.md'), 'utf8');
    expect(committed, 'run: npx tsx scripts/account-export-doc.ts').toBe(accountExportDoc());
  });
});
