import { sql, type Transaction } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, recordFromRow } from '../../src/audit/audit-record';
import { appendAuditEvent } from '../../src/audit/audit-writer';
import { canonicalJson } from '../../src/audit/canonical-json';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain';
import type { Database } from '../../src/db/database';
import { runCli } from '../../../test/support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { DATABASE_KINDS } from '../../../test/support/test-env';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe.each(DATABASE_KINDS)('tamper-evident audit log (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t?.destroy());
  const db = () => t.handle.db;

  it('appends, redacts secrets from details, and verifies', async () => {
    await appendAuditEvent(db(), {
      action: 'auth.sign_in',
      actor: { type: 'user', id: 'u1' },
      outcome: 'failure',
      ip: '192.0.2.1',
      requestId: 'r1',
      details: {
        reason: 'INVALID_CREDENTIALS',
        password: 'hunter2hunter2',
        nested: { apiKey: 'ghs_live_x', token: 't', count: 3 },
      },
    });
    const row = await db().selectFrom('audit_events').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row.details)).not.toMatch(/hunter2|ghs_live_x|"t"/);
    expect(row.details).toMatchObject({
      reason: 'INVALID_CREDENTIALS',
      password: '[redacted]',
      nested: { apiKey: '[redacted]', token: '[redacted]', count: 3 },
    });
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, count: 1 });
  });

  it('redacts credentials by shape under any name; stores what jsonb would refuse', async () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
    const session = `${'a'.repeat(24)}.${'B'.repeat(43)}`;
    const id = await appendAuditEvent(db(), {
      action: 'project.update',
      actor: { type: 'system', id: null },
      outcome: 'success',
      details: {
        note: 'gth_live_aaaaaaaaaaaaaaaa_zzz',
        header: 'Bearer abc',
        list: [jwt, session],
        odd: 'nul\u0000 and lone \uD800 surrogate',
        long: 'x'.repeat(5000),
      },
    });
    const row = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.details)).not.toMatch(/gth_live_|abc|eyJ|BBBB/);
    expect(row.details).toMatchObject({
      note: '[redacted]',
      header: '[redacted]',
      list: ['[redacted]', '[redacted]'],
      odd: 'nul\uFFFD and lone \uFFFD surrogate',
    });
    expect(String(row.details.long)).toHaveLength(1001);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, count: 2 });
  });

  it('stays one valid chain under 200 concurrent events from 20 writers', async () => {
    const before = (await verifyAuditChain(db())).count;
    await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            await appendAuditEvent(db(), {
              action: 'org.update',
              actor: { type: 'system', id: `writer-${writer}` },
              outcome: 'success',
              details: { i },
            });
          }
        })(),
      ),
    );
    // batchSize 50: the verifier walks the new rows over several pages, as it would thousands.
    const verdict = await verifyAuditChain(db(), { batchSize: 50 });
    expect(verdict).toMatchObject({ ok: true, count: before + 200 });
    const n = await db()
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'org.update')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(200);
  });

  it('verifies while writers keep appending, without reporting a false break', async () => {
    const writers = Promise.all(
      Array.from({ length: 5 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 40; i++)
            await appendAuditEvent(db(), {
              action: 'project.create',
              actor: { type: 'system', id: `live-${writer}` },
              outcome: 'success',
            });
        })(),
      ),
    );
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await verifyAuditChain(db(), { batchSize: 100 }));
    await writers;
    verdicts.push(await verifyAuditChain(db(), { batchSize: 100 }));
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, true]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the trigger; rows unchanged', async () => {
    const before = await db()
      .selectFrom('audit_events')
      .select(['id', 'action', 'hash'])
      .orderBy('id')
      .execute();
    await expect(sql`update audit_events set action = 'x'`.execute(db())).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_events`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(db())).rejects.toThrow(/append-only/);
    expect(
      await db()
        .selectFrom('audit_events')
        .select(['id', 'action', 'hash'])
        .orderBy('id')
        .execute(),
    ).toEqual(before);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it('names the first row changed by superuser SQL that bypasses the trigger', async () => {
    const victim = await db()
      .selectFrom('audit_events')
      .select('id')
      .orderBy('id')
      .offset(100)
      .limit(1)
      .executeTakeFirstOrThrow();
    await db()
      .transaction()
      .execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`update audit_events set outcome = 'denied' where id = ${victim.id}`.execute(trx);
      });
    const verdict = await verifyAuditChain(db());
    expect(verdict).toMatchObject({
      ok: false,
      brokenId: String(victim.id),
      problem: 'hash mismatch',
    });
    if (t.url) {
      const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`BROKEN at event ${String(victim.id)}`);
    }
  });
});

describe.runIf(DATABASE_KINDS.includes('postgres'))(
  'gatehouse audit verify (CLI, PostgreSQL)',
  () => {
    it('exits 0 on an intact chain', async () => {
      const t = await createTestDatabase('postgres');
      try {
        await appendAuditEvent(t.handle.db, {
          action: 'project.delete',
          actor: { type: 'system', id: null },
          outcome: 'success',
        });
        const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
        const verdict = await verifyAuditChain(t.handle.db);
        if (!verdict.ok) throw new Error('chain broken');
        expect(cli.stdout).toContain(
          `audit chain intact: 1 event; head ${verdict.headId} ${verdict.headHash}`,
        );
        expect(cli.code).toBe(0);
      } finally {
        await t.destroy();
      }
    });
  },
);

/** Runs SQL as a superuser who switched the append-only trigger off. */
async function behindTheTriggersBack(
  db: TestDatabase['handle']['db'],
  run: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await run(trx);
  });
}

describe.each(DATABASE_KINDS)('audit chain tampering that bypasses the trigger (%s)', (kind) => {
  let t: TestDatabase;
  let ids: string[];
  beforeEach(async () => {
    t = await createTestDatabase(kind);
    ids = [];
    for (let i = 0; i < 10; i++)
      ids.push(
        await appendAuditEvent(t.handle.db, {
          action: 'session.revoke',
          actor: { type: 'system', id: null },
          outcome: 'success',
          details: { i },
        }),
      );
    expect((await verifyAuditChain(t.handle.db)).ok).toBe(true);
  });
  afterEach(async () => t?.destroy());
  const at = (i: number): string => ids[i] ?? '';

  it('names the row after one deleted from the middle', async () => {
    await behindTheTriggersBack(t.handle.db, (trx) =>
      sql`delete from audit_events where id = ${at(4)}`.execute(trx),
    );
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({
      ok: false,
      brokenId: at(5),
      problem: 'broken link',
      count: 4,
    });
  });

  it('names the head when the newest rows were deleted', async () => {
    await behindTheTriggersBack(t.handle.db, (trx) =>
      sql`delete from audit_events where id >= ${at(7)}`.execute(trx),
    );
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({
      ok: false,
      brokenId: at(9),
      problem: 'head mismatch',
      count: 7,
    });
  });

  it('notices a wiped log', async () => {
    await behindTheTriggersBack(t.handle.db, (trx) => sql`truncate audit_events`.execute(trx));
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({
      ok: false,
      brokenId: at(9),
      problem: 'head mismatch',
      count: 0,
    });
  });

  it('names a row re-hashed to match its new content (its successor no longer links)', async () => {
    const row = await t.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', at(3))
      .executeTakeFirstOrThrow();
    const forged = { ...recordFromRow(row), outcome: 'failure' };
    const hash = chainHash(Buffer.from(row.prev_hash), forged);
    await behindTheTriggersBack(t.handle.db, (trx) =>
      sql`update audit_events set outcome = 'failure', hash = ${hash} where id = ${at(3)}`.execute(
        trx,
      ),
    );
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({
      ok: false,
      brokenId: at(4),
      problem: 'broken link',
    });
  });

  it('names a row inserted past the head without moving it', async () => {
    const last = await t.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', at(9))
      .executeTakeFirstOrThrow();
    const id = String(BigInt(at(9)) + 100n);
    const record = { ...recordFromRow(last), id };
    await t.handle.db
      .insertInto('audit_events')
      .values({
        ...last,
        id,
        details: JSON.stringify(last.details),
        prev_hash: last.hash,
        hash: chainHash(Buffer.from(last.hash), record),
      })
      .execute();
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({
      ok: false,
      brokenId: id,
      problem: 'row beyond head',
    });
  });
});
