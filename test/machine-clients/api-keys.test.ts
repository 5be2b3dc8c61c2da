import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator } from '../../server/src/api-keys/api-key-authenticator';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { formatApiKey, mintApiKey, parseApiKey } from '../../server/src/api-keys/api-key-token';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

const run = promisify(execFile);
const inAYear = () => new Date(Date.now() + 300 * 86_400_000).toISOString();
const encodeInput = (input: unknown): string => encodeURIComponent(JSON.stringify(input));

describe('API key format', () => {
  it('has prefix, id, 256-bit secret, checksum; bad checksum: no db read', async () => {
    const { key, id } = mintApiKey();
    expect(key).toMatch(/^gth_live_[a-z2-7]{16}_[a-z2-7]{59}$/);
    expect(parseApiKey(key)?.id).toBe(id);
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    const badSum = `${key.slice(0, -1)}${last}`;
    expect(parseApiKey(badSum)).toBeUndefined();
    const explodingDb = new Proxy(
      {},
      {
        get: () => {
          throw new Error('the database was read');
        },
      },
    );
    const authenticate = createApiKeyAuthenticator({
      db: explodingDb as never,
      audit: { append: async () => undefined },
      log: pino({ level: 'silent' }),
    });
    const outcome = await authenticate({
      headers: { authorization: `Bearer ${badSum}` },
      cookies: {},
      secure: false,
      ip: '127.0.0.1',
      requestId: 'r',
    });
    expect(outcome).toEqual({ error: 'API_KEY_INVALID' });
  });
});

describe.each(DATABASE_KINDS)('API keys over HTTP (%s)', (kind) => {
  let cast: TwoOrgs;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'keys');
  });
  const db = () => t.database.handle.db;
  const call = (
    path: string,
    headers: Record<string, string>,
    input?: unknown,
    method: 'GET' | 'POST' = 'GET',
  ) =>
    method === 'GET'
      ? fetch(`${t.url}/trpc/${path}${input === undefined ? '' : `?input=${encodeInput(input)}`}`, {
          headers,
        })
      : fetch(`${t.url}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
  const reason = async (res: Response) =>
    ((await res.json()) as { error: { data: { reason: string } } }).error.data.reason;

  async function readKey(): Promise<{ key: string; id: string }> {
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'reader',
      scopes: ['project:read'],
      expiresAt: inAYear(),
      orgId: cast.orgA,
    });
    return { key: created.key, id: created.apiKey.id };
  }

  it('works as Bearer and as X-API-Key; in the query string: API_KEY_IN_QUERY', async () => {
    const { key } = await readKey();
    const input = { orgId: cast.orgA };
    expect((await call('projects.list', { authorization: `Bearer ${key}` }, input)).status).toBe(
      200,
    );
    expect((await call('projects.list', { 'x-api-key': key }, input)).status).toBe(200);
    for (const param of ['api_key', 'apikey', 'key', 'token']) {
      const res = await fetch(
        `${t.url}/trpc/projects.list?input=${encodeInput(input)}&${param}=${key}`,
      );
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; data: { reason: string } } };
      expect(body.error.data.reason).toBe('API_KEY_IN_QUERY');
      expect(body.error.message).toMatch(/logs/);
    }
  });

  it('a key scoped project:read can read but not write, and never outside its org', async () => {
    const { key } = await readKey();
    const h = { authorization: `Bearer ${key}` };
    const res = await call('projects.create', h, { orgId: cast.orgA, name: 'by key' }, 'POST');
    expect(res.status).toBe(403);
    expect(await reason(res)).toBe('FORBIDDEN');
    expect((await call('projects.get', h, { orgId: cast.orgB, id: cast.projectB.id })).status).toBe(
      404,
    );
    expect((await call('apiKeys.list', h)).status).toBe(403);
    expect((await call('admin.users.list', h, {})).status).toBe(403);
  });

  it('scopes within the creator’s; expiry required and bounded; refused: none stored', async () => {
    const count = async () =>
      Number(
        (
          await db()
            .selectFrom('api_keys')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    expect(
      await refusal(
        cast.alice.trpc.apiKeys.create.mutate({
          name: 'greedy',
          scopes: ['user:manage'],
          expiresAt: inAYear(),
        }),
      ),
    ).toMatchObject({ reason: 'SCOPE_EXCEEDS_GRANT', httpStatus: 403 });
    expect(
      await refusal(
        cast.alice.trpc.apiKeys.create.mutate({
          name: 'forever',
          scopes: ['project:read'],
          expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString(),
        }),
      ),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
    expect(
      await refusal(
        cast.alice.trpc.apiKeys.create.mutate({
          name: 'past',
          scopes: ['project:read'],
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        }),
      ),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
    const noExpiry = { name: 'none', scopes: ['project:read'] } as unknown as Parameters<
      typeof cast.alice.trpc.apiKeys.create.mutate
    >[0];
    expect(await refusal(cast.alice.trpc.apiKeys.create.mutate(noExpiry))).toMatchObject({
      reason: 'VALIDATION_FAILED',
    });
    expect(await count()).toBe(before);
  });

  it('an org-bound key acts only in its org, even where its owner is a member', async () => {
    const orgC = (await cast.alice.trpc.orgs.create.mutate({ name: 'keys C' })).id;
    const { key } = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'bound',
      scopes: ['project:read', 'org:read'],
      expiresAt: inAYear(),
      orgId: cast.orgA,
    });
    const h = { authorization: `Bearer ${key}` };
    expect((await call('projects.list', h, { orgId: cast.orgA })).status).toBe(200);
    const elsewhere = await call('projects.list', h, { orgId: orgC });
    expect(elsewhere.status).toBe(404);
    expect(await reason(elsewhere)).toBe('NOT_FOUND');
    expect((await cast.alice.trpc.projects.list.query({ orgId: orgC })).projects).toEqual([]);
    const orgs = (await (await call('orgs.list', h)).json()) as {
      result: { data: { orgs: { id: string }[] } };
    };
    expect(orgs.result.data.orgs.map((o) => o.id)).toEqual([cast.orgA]);
    for (const scope of ['org:create', 'apikey:manage', 'session:manage', 'self:write'] as const) {
      expect(
        await refusal(
          cast.alice.trpc.apiKeys.create.mutate({
            name: 'wide',
            scopes: ['project:read', scope],
            expiresAt: inAYear(),
            orgId: cast.orgA,
          }),
        ),
      ).toMatchObject({ reason: 'VALIDATION_FAILED', httpStatus: 400 });
    }
    // Not a member: the same NOT_FOUND as a missing org.
    expect(
      await refusal(
        cast.alice.trpc.apiKeys.create.mutate({
          name: 'foreign',
          scopes: ['project:read'],
          expiresAt: inAYear(),
          orgId: cast.orgB,
        }),
      ),
    ).toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('a key cannot mint or rotate keys; with apikey:manage it lists and revokes them', async () => {
    const { key: manager } = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'manager',
      scopes: ['apikey:manage'],
      expiresAt: inAYear(),
    });
    const h = { authorization: `Bearer ${manager}` };
    const mint = await call(
      'apiKeys.create',
      h,
      { name: 'child', scopes: ['apikey:manage'], expiresAt: inAYear() },
      'POST',
    );
    expect(mint.status).toBe(403);
    expect(await reason(mint)).toBe('SESSION_REQUIRED');
    const target = await readKey();
    expect((await call('apiKeys.list', h)).status).toBe(200);
    // Rotation returns a secret: a session with a recent step-up only (issue 17 item 1).
    const rotate = await call('apiKeys.rotate', h, { id: target.id, graceSeconds: 0 }, 'POST');
    expect(rotate.status).toBe(403);
    expect(await reason(rotate)).toBe('SESSION_REQUIRED');
    expect(
      (await call('projects.list', { 'x-api-key': target.key }, { orgId: cast.orgA })).status,
    ).toBe(200);
    expect((await call('apiKeys.revoke', h, { id: target.id }, 'POST')).status).toBe(200);
    // Another user's key is not theirs to touch: NOT_FOUND, and it keeps working.
    const { key: bobs, apiKey } = await cast.bob.trpc.apiKeys.create.mutate({
      name: 'bob',
      scopes: ['project:read'],
      expiresAt: inAYear(),
    });
    const other = await call('apiKeys.revoke', h, { id: apiKey.id }, 'POST');
    expect(other.status).toBe(404);
    expect((await call('projects.list', { 'x-api-key': bobs }, { orgId: cast.orgB })).status).toBe(
      200,
    );
  });

  it('create, rotate, revoke and refused uses are audited with the key id, no secret', async () => {
    const { key, id } = await readKey();
    const rotated = await cast.alice.trpc.apiKeys.rotate.mutate({ id, graceSeconds: 0 });
    // the old secret, no grace: refused
    await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA });
    await call(
      'projects.create',
      { 'x-api-key': rotated.key },
      { orgId: cast.orgA, name: 'x' },
      'POST',
    ); // beyond its scope: refused
    await cast.alice.trpc.apiKeys.revoke.mutate({ id });
    const rows = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) => eb.or([eb('target_id', '=', id), eb('actor_id', '=', id)]))
      .orderBy('occurred_at')
      .execute();
    const seen = rows.map((r) => `${r.action}:${r.outcome}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'api_key.create:success',
        'api_key.rotate:success',
        'api_key.use:denied',
        'authz.denied:denied',
        'api_key.revoke:success',
      ]),
    );
    expect(rows.find((r) => r.action === 'authz.denied')).toMatchObject({
      actor_type: 'api_key',
      actor_id: id,
    });
    const all = JSON.stringify(
      await db().selectFrom('audit_events').select(['details', 'target_id', 'actor_id']).execute(),
    );
    for (const secret of [key, rotated.key]) expect(all).not.toContain(secret.slice(26, 78));
  });

  it('records last use, at most once a minute per key', async () => {
    const { key, id } = await readKey();
    const lastUsed = async () =>
      (
        await db()
          .selectFrom('api_keys')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    expect((await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA })).status).toBe(
      200,
    );
    await expect.poll(lastUsed).not.toBeNull();
    const first = await lastUsed();
    for (let i = 0; i < 5; i++)
      expect((await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA })).status).toBe(
        200,
      );
    expect(await lastUsed()).toEqual(first);
    const listed = (await cast.alice.trpc.apiKeys.list.query()).apiKeys.find((k) => k.id === id);
    expect(listed?.lastUsedAt).toBe(new Date(first ?? 0).toISOString());
  });

  it('a demoted owner’s key loses the permission on the next call', async () => {
    const admin = await signInUser(t.url, 'keys-admin@example.com', { db: db(), admin: true });
    const { key } = await admin.trpc.apiKeys.create.mutate({
      name: 'ops',
      scopes: ['user:read'],
      expiresAt: inAYear(),
    });
    const h = { authorization: `Bearer ${key}` };
    expect((await call('admin.users.list', h, {})).status).toBe(200);
    // Demoted the way the product does it (which tells every instance's key cache).
    const other = await signInUser(t.url, 'keys-admin-2@example.com', { db: db(), admin: true });
    await other.trpc.admin.users.setRole.mutate({ id: admin.userId, role: 'user' });
    expect((await call('admin.users.list', h, {})).status).toBe(403);
  });

  it('a revoked key is refused at once; a locked owner’s key stops', async () => {
    const { key, id } = await readKey();
    const h = { 'x-api-key': key };
    await cast.alice.trpc.apiKeys.revoke.mutate({ id });
    const res = await call('projects.list', h, { orgId: cast.orgA });
    expect(res.status).toBe(401);
    expect(await reason(res)).toBe('API_KEY_INVALID');
    const other = await readKey();
    await db()
      .updateTable('users')
      .set({ locked_at: new Date() })
      .where('id', '=', cast.alice.userId)
      .execute();
    expect(
      (await call('projects.list', { 'x-api-key': other.key }, { orgId: cast.orgA })).status,
    ).toBe(401);
    await db()
      .updateTable('users')
      .set({ locked_at: null })
      .where('id', '=', cast.alice.userId)
      .execute();
    const denied = await db()
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'api_key.use')
      .where('actor_id', '=', id)
      .execute();
    expect(denied.some((d) => (d.details as { reason?: string }).reason === 'revoked')).toBe(true);
  });

  it('after rotation the old secret works inside the grace period and fails after it', async () => {
    const { key, id } = await readKey();
    const rotated = await cast.alice.trpc.apiKeys.rotate.mutate({ id, graceSeconds: 1 });
    expect(rotated.key).not.toBe(key);
    expect(rotated.apiKey.id).toBe(id);
    expect((await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA })).status).toBe(
      200,
    );
    expect(
      (await call('projects.list', { 'x-api-key': rotated.key }, { orgId: cast.orgA })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA })).status).toBe(
      401,
    );
    expect(
      (await call('projects.list', { 'x-api-key': rotated.key }, { orgId: cast.orgA })).status,
    ).toBe(200);
  });

  it('an expired key is refused', async () => {
    const { key, id } = await readKey();
    await db()
      .updateTable('api_keys')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', id)
      .execute();
    expect((await call('projects.list', { 'x-api-key': key }, { orgId: cast.orgA })).status).toBe(
      401,
    );
  });

  it('the database holds no usable secret, and lists never show one', async () => {
    const { key, id } = await readKey();
    await cast.alice.trpc.apiKeys.rotate.mutate({ id, graceSeconds: 3600 }); // a previous hash too
    const rows = await db().selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key.slice(26, 78));
    const before = await db()
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .orderBy('id')
      .execute();
    for (const row of rows) {
      // Whatever a stolen dump holds, presented as a well-formed key (valid checksum) or raw.
      const hashes = [row.secret_hash, row.previous_secret_hash]
        .filter((h): h is NonNullable<typeof h> => h !== null)
        .map((h) => Buffer.from(h));
      const candidates = hashes.flatMap((h) => [
        formatApiKey(row.id, encodeBase32LowerCaseNoPadding(h)),
        h.toString('hex'),
        h.toString('base64'),
      ]);
      // The first passes the shape and checksum check, so it is refused by the secret itself.
      expect(parseApiKey(candidates[0] ?? '')?.id).toBe(row.id);
      for (const forged of candidates) {
        for (const headers of [
          { 'x-api-key': forged },
          { authorization: `Bearer ${forged}` },
        ] as Record<string, string>[]) {
          expect((await call('projects.list', headers, { orgId: cast.orgA })).status).toBe(401);
        }
        const token = await fetch(`${t.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: row.id,
            client_secret: forged,
          }).toString(),
        });
        expect(token.status).toBe(401);
      }
    }
    // Nothing was revoked or changed by the attempts (they are only audited).
    expect(
      await db().selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
    ).toEqual(before);
    const listed = JSON.stringify(await cast.alice.trpc.apiKeys.list.query());
    expect(listed).not.toContain(key);
    expect(listed).not.toMatch(/secret_hash|secretHash/);
  });

  it('Authorization: Basic is refused with a reason pointing to Bearer', async () => {
    const res = await call('auth.me', {
      authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string; data: { reason: string } } };
    expect(body.error.data.reason).toBe('BASIC_AUTH_UNSUPPORTED');
    expect(body.error.message).toContain('Bearer');
  });

  it('a Python standard-library script calls projects.list with the key', async () => {
    const { key } = await readKey();
    const script = `
import json, sys, urllib.parse, urllib.request
base, key, org = sys.argv[1], sys.argv[2], sys.argv[3]
url = base + "/trpc/projects.list?input=" + urllib.parse.quote(json.dumps({"orgId": org}))
req = urllib.request.Request(url, headers={"Authorization": "Bearer " + key})
with urllib.request.urlopen(req) as res:
    data = json.load(res)["result"]["data"]
print(",".join(p["name"] for p in data["projects"]))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, key, cast.orgA]);
    expect(stdout.trim()).toBe('alpha');
  });
});
