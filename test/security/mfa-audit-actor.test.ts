import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUser, TEST_PASSWORD } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

const inAYear = (): string => new Date(Date.now() + 300 * 86_400_000).toISOString();

interface Refused {
  readonly status: number;
  readonly reason: string | undefined;
}

/**
 * Who the audit log says acted, through the real server: an act done with an
 * API key or its JWT is the key's (`actor_type = api_key`), never its owner's,
 * and the second-factor and step-up procedures, whose rows used to name a
 * hand-built user, refuse a key or a JWT before anything is recorded.
 */
describe.each(DATABASE_KINDS)('audit actor of keys, tokens and sessions (%s)', (kind) => {
  let t: TestApp;
  let cast: TwoOrgs;
  let keyId: string;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp(kind, {
      RATE_LIMIT_AUTH_PER_MINUTE: '10000',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
    });
    cast = await twoOrgs(t, 'actor');
    const created = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'every self and project scope',
      scopes: ['project:read', 'project:write', 'self:read', 'self:write'],
      expiresAt: inAYear(),
    });
    keyId = created.apiKey.id;
    key = created.key;
  });
  afterAll(async () => t?.close());
  const db = () => t.database.handle.db;

  const post = async (
    path: string,
    headers: Record<string, string>,
    input: unknown,
  ): Promise<Refused & { body: unknown }> => {
    const res = await fetch(`${t.url}/trpc/${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as {
      result?: { data: unknown };
      error?: { data: { reason: string } };
    };
    return { status: res.status, reason: body.error?.data.reason, body: body.result?.data };
  };
  const rowsOf = (action: string, requestTarget?: string) => {
    let q = db()
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id', 'org_id', 'outcome', 'target_id'])
      .where('action', '=', action as never);
    if (requestTarget !== undefined) q = q.where('target_id', '=', requestTarget);
    return q.execute();
  };
  const jwtOf = async (): Promise<string> => {
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${keyId}:${key}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=project:write%20self:read%20self:write',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it('records project writes done with an API key as the key, in the org', async () => {
    const h = { 'x-api-key': key };
    const created = await post('projects.create', h, { orgId: cast.orgA, name: 'by key' });
    expect(created.status).toBe(200);
    const project = created.body as { id: string; version: number };
    const updated = await post('projects.update', h, {
      orgId: cast.orgA,
      id: project.id,
      version: project.version,
      patch: { name: 'by key, renamed' },
    });
    expect(updated.status).toBe(200);
    expect((await post('projects.delete', h, { orgId: cast.orgA, id: project.id })).status).toBe(
      200,
    );
    for (const action of ['project.create', 'project.update', 'project.delete']) {
      expect(await rowsOf(action, project.id)).toEqual([
        {
          actor_type: 'api_key',
          actor_id: keyId,
          org_id: cast.orgA,
          outcome: 'success',
          target_id: project.id,
        },
      ]);
    }
  });

  it('records a write done with the key’s JWT as the key, and the token’s issue too', async () => {
    const jwt = await jwtOf();
    expect(await rowsOf('oauth.token')).toContainEqual(
      expect.objectContaining({ actor_type: 'api_key', actor_id: keyId, outcome: 'success' }),
    );
    const created = await post(
      'projects.create',
      { authorization: `Bearer ${jwt}` },
      { orgId: cast.orgA, name: 'by token' },
    );
    expect(created.status).toBe(200);
    const { id } = created.body as { id: string };
    expect(await rowsOf('project.create', id)).toEqual([
      expect.objectContaining({ actor_type: 'api_key', actor_id: keyId, org_id: cast.orgA }),
    ]);
  });

  it('records an org denial of a key as the key, not its owner', async () => {
    // Bob's org: the key's owner is no member there, so the org step refuses.
    const res = await post(
      'projects.create',
      { 'x-api-key': key },
      { orgId: cast.orgB, name: 'x' },
    );
    expect(res).toMatchObject({ status: 404, reason: 'NOT_FOUND' });
    const denied = await db()
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id', 'org_id'])
      .where('action', '=', 'authz.denied')
      .where('org_id', '=', cast.orgB)
      .execute();
    expect(denied).toEqual([{ actor_type: 'api_key', actor_id: keyId, org_id: cast.orgB }]);
    const names = await db()
      .selectFrom('projects')
      .select('name')
      .where('org_id', '=', cast.orgB)
      .execute();
    expect(names.map((p) => p.name)).toEqual(['bravo']);
  });

  it('refuses each second-factor and step-up act to a key and a JWT, recording none', async () => {
    const jwt = await jwtOf();
    const before = await db()
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', 'in', ['mfa.enable', 'mfa.disable', 'mfa.verify', 'auth.reauthenticate'])
      .executeTakeFirstOrThrow();
    const callers: Record<string, string>[] = [
      { 'x-api-key': key },
      { authorization: `Bearer ${jwt}` },
    ];
    for (const headers of callers) {
      const calls: [string, unknown][] = [
        ['mfa.totp.begin', {}],
        ['mfa.totp.confirm', { code: '123456' }],
        ['mfa.totp.disable', {}],
        ['mfa.recoveryCodes.regenerate', {}],
        ['auth.reauthenticate', { password: TEST_PASSWORD }],
        ['auth.reauthenticate', { code: '123456' }],
      ];
      for (const [path, input] of calls) {
        const res = await post(path, headers, input);
        expect({ path, status: res.status, reason: res.reason }).toEqual({
          path,
          status: 403,
          reason: 'SESSION_REQUIRED',
        });
      }
    }
    const after = await db()
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', 'in', ['mfa.enable', 'mfa.disable', 'mfa.verify', 'auth.reauthenticate'])
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // Nothing was enrolled for the key's owner either.
    const totp = await db()
      .selectFrom('mfa_totp')
      .select('user_id')
      .where('user_id', '=', cast.alice.userId)
      .execute();
    expect(totp).toEqual([]);
  });

  it('records the same acts done by a session as the user', async () => {
    const carol = await signInUser(t.url, 'actor-carol@example.com');
    await carol.trpc.auth.reauthenticate.mutate({ password: TEST_PASSWORD });
    await carol.trpc.mfa.totp.begin.mutate({});
    const wrong = await carol.trpc.mfa.totp.confirm.mutate({ code: '000000' }).catch(() => 'no');
    expect(wrong).toBe('no');
    const rows = await db()
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id', 'outcome'])
      .where('actor_id', '=', carol.userId)
      .where('action', 'in', ['auth.reauthenticate', 'mfa.enable'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        action: 'auth.reauthenticate',
        actor_type: 'user',
        actor_id: carol.userId,
        outcome: 'success',
      },
      { action: 'mfa.enable', actor_type: 'user', actor_id: carol.userId, outcome: 'failure' },
    ]);
  });
});
