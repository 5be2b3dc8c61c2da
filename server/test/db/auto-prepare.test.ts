import { describe, expect, it } from 'vitest';
import { createStatementNamer } from '../../src/db/auto-prepare';
import { createDatabase } from '../../src/db/create-database';
import { sql } from 'kysely';
import pino from 'pino';
import { IN_CI, TEST_DATABASE_URL } from '../../../test/support/test-env';

describe('auto-prepared statements', () => {
  it('names a query text from its threshold-th run on, the same name every time', () => {
    const nameFor = createStatementNamer({ threshold: 3, maxStatements: 10 });
    const text = 'select "id" from "users" where "id" = $1';
    expect(nameFor(text)).toBeUndefined();
    expect(nameFor(text)).toBeUndefined();
    const name = nameFor(text);
    expect(name).toMatch(/^gh_[0-9a-f]{24}$/);
    expect(nameFor(text)).toBe(name);
    expect(nameFor('select "email" from "users" where "id" = $1')).toBeUndefined();
  });

  it('never names `*` queries (a migration breaks their plan); stops at maxStatements', () => {
    const nameFor = createStatementNamer({ threshold: 1, maxStatements: 2 });
    expect(nameFor('select * from "users"')).toBeUndefined();
    expect(nameFor('update "users" set "name" = $1 returning *')).toBeUndefined();
    expect(nameFor('select 1')).toBeDefined();
    expect(nameFor('select 2')).toBeDefined();
    expect(nameFor('select 3')).toBeUndefined();
  });

  it('threshold 0 turns it off', () => {
    const nameFor = createStatementNamer({ threshold: 0, maxStatements: 10 });
    for (let i = 0; i < 10; i++) expect(nameFor('select 1')).toBeUndefined();
  });

  it.runIf(TEST_DATABASE_URL !== undefined || IN_CI)(
    'runs repeated queries as prepared statements on PostgreSQL, with the same results',
    async () => {
      if (TEST_DATABASE_URL === undefined) throw new Error('TEST_DATABASE_URL is required in CI');
      const handle = await createDatabase(
        { url: TEST_DATABASE_URL, poolSize: 2, prepareThreshold: 2, dataDir: '' },
        pino({ level: 'silent' }),
      );
      try {
        const results: unknown[] = [];
        for (let i = 0; i < 6; i++)
          results.push(
            (
              await sql<{
                n: number;
                t: string;
              }>`select ${i}::int + 1 as n, ${'x'}::text as t`.execute(handle.db)
            ).rows[0],
          );
        expect(results).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n, t: 'x' })));
        // The server holds it as a prepared statement on the connection that ran it.
        const prepared = await handle.db.connection().execute(async (db) => {
          for (let i = 0; i < 3; i++) await sql`select ${i}::int as again`.execute(db);
          return (
            await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db)
          ).rows.map((r) => r.name);
        });
        expect(prepared.some((n) => /^gh_[0-9a-f]{24}$/.test(n))).toBe(true);
        // In a transaction too, and a failing query leaves the statement usable.
        await expect(sql`select 1 / ${0}::int`.execute(handle.db)).rejects.toThrow(
          /division by zero/,
        );
        await expect(sql`select 1 / ${0}::int`.execute(handle.db)).rejects.toThrow(
          /division by zero/,
        );
        await expect(sql`select 1 / ${0}::int`.execute(handle.db)).rejects.toThrow(
          /division by zero/,
        );
        expect(
          (await sql<{ q: number }>`select 4 / ${2}::int as q`.execute(handle.db)).rows[0]?.q,
        ).toBe(2);
      } finally {
        await handle.destroy();
      }
    },
  );
});
