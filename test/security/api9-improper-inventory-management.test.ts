// OWASP API9:2023 Improper Inventory Management — every procedure documented, policed and nothing
// hidden.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import {
  findPolicyProblems,
  listProcedures,
} from '../../server/src/pipeline/assert-procedure-policies';
import { renderProcedureTable } from '../../server/src/pipeline/procedure-table';
import { REPO_ROOT } from '../support/spawn-server';

describe('API9 improper inventory management', () => {
  it('docs/procedures.md is the table generated from the router', () => {
    const committed = readFileSync(join(REPO_ROOT, 'docs', 'procedures.md'), 'utf8');
    expect(committed).toBe(renderProcedureTable(appRouter));
  });

  it('lists every procedure, each with a policy', () => {
    const table = renderProcedureTable(appRouter);
    for (const p of listProcedures(appRouter)) expect(table).toContain(`| \`${p.path}\` |`);
    expect(findPolicyProblems(appRouter)).toEqual([]);
  });

  it('serves no subscriptions or undeclared transports', () => {
    expect(
      listProcedures(appRouter).every((p) => p.type === 'query' || p.type === 'mutation'),
    ).toBe(true);
  });
});
