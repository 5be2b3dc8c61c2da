import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeMigratedSnapshot } from '../../server/test/support/pglite-snapshot';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated in-memory PGlite (../../server/test/support/pglite-snapshot.ts). */
    pgliteSnapshot: string;
  }
}

/**
 * globalSetup: the migrated PGlite every test database starts from, made once per run and removed
 * after.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pglite-'));
  const file = join(dir, 'migrated.tar');
  await writeMigratedSnapshot(file);
  project.provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
