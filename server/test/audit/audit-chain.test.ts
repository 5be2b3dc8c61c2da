import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/audit/audit-writer';
import { canonicalJson } from '../../src/audit/canonical-json';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain';
import { runCli } from '../../../test/support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { DATABASE_KINDS } from '../../../test/support/test-env';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
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
      details: { reason: 'INVALID_CREDENTIALS', password: 'hunter2hunter2', nested: { apiKey: 'ghs_live_x', token: 't', count: 3 } },
    });
    const row = await db().selectFrom('audit_events').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row.details)).not.toMatch(/hunter2|ghs_live_x|"t"/);
    expect(row.details).toMatchObject({ reason: 'INVALID_CREDENTIALS', password: '[redacted]', nested: { apiKey: '[redacted]', token: '[redacted]', count: 3 } });
    expect(await verifyAuditChain(db())).toEqual({ ok: true, count: 1 });
  });

  it('stays one valid chain under 1,000 concurrent events from 20 writers', async () => {
    const before = (await verifyAuditChain(db())).count;
    await Promise.all(
      Array.from({ length: 20 }, (_, writer) =>
        (async () => {
          for (let i = 0; i < 50; i++) {
            await appendAuditEvent(db(), { action: 'load.test', actor: { type: 'system', id: `writer-${writer}` }, outcome: 'success', details: { i } });
          }
        })(),
      ),
    );
    const verdict = await verifyAuditChain(db(), { batchSize: 250 });
    expect(verdict).toEqual({ ok: true, count: before + 1000 });
    const n = await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('action', '=', 'load.test').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1000);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the trigger', async () => {
    await expect(sql`update audit_events set action = 'x'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(db())).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(db())).ok).toBe(true);
  });

  it('names the first row changed by superuser SQL that bypasses the trigger', async () => {
    const victim = await db().selectFrom('audit_events').select('id').orderBy('id').offset(500).limit(1).executeTakeFirstOrThrow();
    await db()
      .transaction()
      .execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`update audit_events set outcome = 'denied' where id = ${victim.id}`.execute(trx);
      });
    const verdict = await verifyAuditChain(db());
    expect(verdict).toMatchObject({ ok: false, brokenId: String(victim.id), problem: 'hash mismatch' });
    if (t.url) {
      const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`BROKEN at event ${String(victim.id)}`);
    }
  });
});

describe.runIf(DATABASE_KINDS.includes('postgres'))('gatehouse audit verify (CLI, PostgreSQL)', () => {
  it('exits 0 on an intact chain', async () => {
    const t = await createTestDatabase('postgres');
    try {
      await appendAuditEvent(t.handle.db, { action: 'cli.test', actor: { type: 'system', id: null }, outcome: 'success' });
      const cli = await runCli(['audit', 'verify'], { DATABASE_URL: t.url });
      expect(cli.stdout).toContain('audit chain intact: 1 events');
      expect(cli.code).toBe(0);
    } finally {
      await t.destroy();
    }
  });
});
