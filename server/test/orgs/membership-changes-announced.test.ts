import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/**
 * The writes that change what a caller's cached memberships say (membership-cache.ts): who is
 * in an org, with what role, and the org's MFA rule.
 */
const MEMBERSHIP_WRITES =
  /\b(insertMembership|updateMembershipRole|deleteMembership|updateOrgRow)\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each top-level function of a file, as text (good enough for this file's own code style). */
function functionsOf(text: string): string[] {
  return text.split(/\n(?=export (?:async )?function |(?:async )?function )/);
}

describe('membership changes', () => {
  it('every function that writes memberships or an org’s rule announces it to the caches', () => {
    const silent: string[] = [];
    let writers = 0;
    for (const file of sourceFiles(SRC)) {
      const name = relative(SRC, file);
      if (name.endsWith('membership-queries.ts') || name.endsWith('org-queries.ts')) continue;
      for (const fn of functionsOf(readFileSync(file, 'utf8'))) {
        if (!MEMBERSHIP_WRITES.test(fn)) continue;
        writers += 1;
        if (!fn.includes('membershipsChanged(')) silent.push(`${name}: ${fn.split('\n')[0]}`);
      }
    }
    expect(writers).toBeGreaterThanOrEqual(6); // create, accept, role, remove, leave, update
    expect(silent).toEqual([]);
  });
});
