import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoggedApp, type LoggedApp } from '../support/logged-app';
import { spawnServer } from '../support/spawn-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';

const PASSWORD = 'a long enough bootstrap passphrase';
const isLink = (l: Record<string, unknown>): boolean => typeof l.bootstrapUrl === 'string';

function tokenOf(t: LoggedApp): string {
  const line = t.lines.find(isLink);
  if (!line) throw new Error('no bootstrap link was logged');
  return new URLSearchParams(new URL(String(line.bootstrapUrl)).hash.slice(1)).get('token') ?? '';
}

describe.each(DATABASE_KINDS)('first administrator through the bootstrap link (%s)', (kind) => {
  let apps: LoggedApp[] = [];
  let db: TestDatabase | undefined;
  afterEach(async () => {
    for (const a of apps) await a.close();
    await db?.destroy();
    apps = [];
    db = undefined;
  });
  async function start(): Promise<LoggedApp> {
    db ??= await createTestDatabase(kind);
    const t = await startLoggedApp(db, {});
    apps.push(t);
    return t;
  }
  const admins = async (): Promise<number> =>
    Number(
      (
        await db?.handle.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('role', '=', 'admin')
          .executeTakeFirstOrThrow()
      )?.n,
    );

  it('logs a one-time link on an empty database: it makes an audited admin, once', async () => {
    const t = await start();
    const line = t.lines.find(isLink);
    expect(String(line?.bootstrapUrl)).toMatch(
      new RegExp(`^${t.url}/bootstrap-admin#token=[\\w-]{43}$`),
    );
    expect(t.lines.filter(isLink)).toHaveLength(1);
    const token = tokenOf(t);

    const client = createTestClient(t.url);
    const result = await client.trpc.auth.bootstrapAdmin.mutate({
      token,
      email: 'root@example.com',
      password: PASSWORD,
    });
    expect(result).toMatchObject({
      promoted: false,
      user: { email: 'root@example.com', role: 'admin', emailVerified: true },
    });
    await client.trpc.auth.signIn.mutate({ email: 'root@example.com', password: PASSWORD });
    const list = await client.trpc.admin.users.list.query({});
    expect(list.users.map((u) => u.email)).toContain('root@example.com');

    const audit = await db?.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'admin.bootstrap')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit?.[0]).toMatchObject({ target_id: result.user.id, outcome: 'success' });

    const before = await db?.handle.db.selectFrom('users').select('id').execute();
    const again = await refusal(
      createTestClient(t.url).trpc.auth.bootstrapAdmin.mutate({
        token,
        email: 'second@example.com',
        password: PASSWORD,
      }),
    );
    expect(again).toMatchObject({ reason: 'BOOTSTRAP_TOKEN_INVALID', httpStatus: 400 });
    expect(await db?.handle.db.selectFrom('users').select('id').execute()).toEqual(before);
    expect(await admins()).toBe(1);

    // A restart with an admin in the database logs no link (and keeps no token row).
    await t.close();
    apps = [];
    const restarted = await start();
    expect(restarted.lines.filter(isLink)).toHaveLength(0);
    expect(await db?.handle.db.selectFrom('bootstrap_tokens').selectAll().execute()).toEqual([]);
  });

  it('refuses a wrong token, an expired token, and a weak password, creating nothing', async () => {
    const t = await start();
    const client = createTestClient(t.url);
    const wrong = await refusal(
      client.trpc.auth.bootstrapAdmin.mutate({
        token: 'A'.repeat(43),
        email: 'root@example.com',
        password: PASSWORD,
      }),
    );
    expect(wrong).toMatchObject({ reason: 'BOOTSTRAP_TOKEN_INVALID', httpStatus: 400 });
    const weak = await refusal(
      client.trpc.auth.bootstrapAdmin.mutate({
        token: tokenOf(t),
        email: 'root@example.com',
        password: 'short',
      }),
    );
    expect(weak).toMatchObject({ reason: 'PASSWORD_TOO_SHORT', httpStatus: 400 });
    await db?.handle.db
      .updateTable('bootstrap_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .execute();
    const expired = await refusal(
      client.trpc.auth.bootstrapAdmin.mutate({
        token: tokenOf(t),
        email: 'root@example.com',
        password: PASSWORD,
      }),
    );
    expect(expired).toMatchObject({ reason: 'BOOTSTRAP_TOKEN_INVALID', httpStatus: 400 });
    expect(await db?.handle.db.selectFrom('users').select('id').execute()).toEqual([]);
    expect(
      await db?.handle.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'admin.bootstrap')
        .execute(),
    ).toEqual([]);
  });

  it('a restart while no admin exists issues a fresh link and voids the old one', async () => {
    const first = await start();
    const old = tokenOf(first);
    await first.close();
    apps = [];
    const second = await start();
    const fresh = tokenOf(second);
    expect(fresh).not.toBe(old);
    const client = createTestClient(second.url);
    expect(
      await refusal(
        client.trpc.auth.bootstrapAdmin.mutate({
          token: old,
          email: 'root@example.com',
          password: PASSWORD,
        }),
      ),
    ).toMatchObject({ reason: 'BOOTSTRAP_TOKEN_INVALID' });
    expect(await admins()).toBe(0);
    await client.trpc.auth.bootstrapAdmin.mutate({
      token: fresh,
      email: 'root@example.com',
      password: PASSWORD,
    });
    expect(await admins()).toBe(1);
  });

  it('two concurrent uses: exactly one winner, one admin', async () => {
    const t = await start();
    const token = tokenOf(t);
    const outcomes = await Promise.allSettled(
      ['one@example.com', 'two@example.com'].map((email) =>
        createTestClient(t.url).trpc.auth.bootstrapAdmin.mutate({
          token,
          email,
          password: PASSWORD,
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === 'rejected');
    expect(
      await refusal(
        Promise.reject(loser?.status === 'rejected' ? loser.reason : new Error('no loser')),
      ),
    ).toMatchObject({ reason: 'BOOTSTRAP_TOKEN_INVALID' });
    expect(await admins()).toBe(1);
    expect(await db?.handle.db.selectFrom('users').select('id').execute()).toHaveLength(1);
    expect(
      await db?.handle.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'admin.bootstrap')
        .execute(),
    ).toHaveLength(1);
  });

  it('promotes an account that signed up already: new password, sessions signed out', async () => {
    const t = await start();
    const squatter = createTestClient(t.url);
    await squatter.trpc.auth.signUp.mutate({
      email: 'ops@example.com',
      password: 'the squatter passphrase is long',
    });
    await squatter.trpc.auth.signIn.mutate({
      email: 'ops@example.com',
      password: 'the squatter passphrase is long',
    });
    const result = await createTestClient(t.url).trpc.auth.bootstrapAdmin.mutate({
      token: tokenOf(t),
      email: 'ops@example.com',
      password: PASSWORD,
    });
    expect(result).toMatchObject({
      promoted: true,
      user: { email: 'ops@example.com', role: 'admin', emailVerified: true },
    });
    expect(await refusal(squatter.trpc.auth.me.query())).toMatchObject({ httpStatus: 401 });
    expect(
      await refusal(
        createTestClient(t.url).trpc.auth.signIn.mutate({
          email: 'ops@example.com',
          password: 'the squatter passphrase is long',
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    const admin = createTestClient(t.url);
    await admin.trpc.auth.signIn.mutate({ email: 'ops@example.com', password: PASSWORD });
    expect((await admin.trpc.admin.users.list.query({})).users).toHaveLength(1);
  });

  it('stores no token in clear: a dump of bootstrap_tokens holds only its SHA-256', async () => {
    const t = await start();
    const token = tokenOf(t);
    const rows = await db?.handle.db.selectFrom('bootstrap_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    );
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(Buffer.from(token).toString('hex'));
    const { createHash } = await import('node:crypto');
    expect(Buffer.from(rows?.[0]?.token_hash ?? []).toString('hex')).toBe(
      createHash('sha256').update(token).digest('hex'),
    );
  });
});

describe('the server process (main.ts)', () => {
  it('logs the link with its own address on a fresh embedded database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bootstrap-'));
    const server = await spawnServer({ GATEHOUSE_DATA_DIR: dir });
    try {
      const line = server.output
        .map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : {}))
        .find(isLink);
      expect(String(line?.bootstrapUrl)).toMatch(
        new RegExp(`^${server.url}/bootstrap-admin#token=[\\w-]{43}$`),
      );
      const token =
        new URLSearchParams(new URL(String(line?.bootstrapUrl)).hash.slice(1)).get('token') ?? '';
      // Opening the link in a browser (which keeps the fragment to itself) says how to use it.
      const page = await fetch(String(line?.bootstrapUrl));
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('auth.bootstrapAdmin');
      expect(text).not.toContain(token);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const result = await createTestClient(server.url).trpc.auth.bootstrapAdmin.mutate({
        token,
        email: 'root@example.com',
        password: PASSWORD,
      });
      expect(result.user.role).toBe('admin');
      // The token reached the log once, in that line only (request logs redact the input).
      expect(server.output.filter((l) => l.includes(token))).toHaveLength(1);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
