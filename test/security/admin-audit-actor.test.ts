import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertKey } from '../../server/src/api-keys/api-key-queries';
import { mintApiKey } from '../../server/src/api-keys/api-key-token';
import { signInUser } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_KINDS } from '../support/test-env';

/**
 * Attack: an administrator's `user:manage` key (or a JWT minted from it)
 * locks and unlocks an account, and tries to change a global role. The audit
 * log must name the key, never the administrator: a key's acts recorded as
 * its user would hide which credential acted (and so which one to revoke).
 * A role change needs a re-authenticated session: the key is refused and
 * nothing is changed or recorded.
 */

type Body = { error?: { data: { reason: string } } };

const LIMITS = {
  RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000',
  RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
  LOGIN_MAX_FAILURES_PER_IP: '100000',
};

async function mutate(
  url: string,
  path: string,
  input: unknown,
  bearer: string,
): Promise<{ status: number; requestId: string | null; body: Body }> {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify(input),
  });
  return {
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    body: (await res.json()) as Body,
  };
}

describe.each(DATABASE_KINDS)('attack: admin acts of a key audited as its user (%s)', (kind) => {
  let t: TestApp;
  let adminId: string;
  let key: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp(kind, LIMITS);
    adminId = (
      await signInUser(t.url, `actor-admin-${kind}@example.com`, {
        db: t.database.handle.db,
        admin: true,
      })
    ).userId;
    const minted = mintApiKey();
    await insertKey(t.database.handle.db, {
      id: minted.id,
      userId: adminId,
      orgId: null,
      name: 'user manager',
      scopes: ['user:manage', 'user:read'],
      secretHash: minted.secretHash,
      expiresAt: new Date(Date.now() + 86_400_000),
      createdWithMfa: false,
    });
    key = { id: minted.id, key: minted.key };
  });
  afterAll(async () => t?.close());

  const rowsFor = (targetId: string) =>
    t.database.handle.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id', 'request_id', 'ip'])
      .where('target_id', '=', targetId)
      .orderBy('id')
      .execute();

  it('lock and unlock by a user:manage key record actor_type api_key and the key id', async () => {
    const target = await signInUser(t.url, `actor-target-${kind}@example.com`);
    const locked = await mutate(t.url, 'admin.users.lock', { id: target.userId }, key.key);
    expect(locked.status).toBe(200);
    const unlocked = await mutate(t.url, 'admin.users.unlock', { id: target.userId }, key.key);
    expect(unlocked.status).toBe(200);

    const rows = await rowsFor(target.userId);
    const acts = rows.filter((r) =>
      ['admin.user.lock', 'admin.user.unlock', 'session.revoke_all'].includes(r.action),
    );
    expect(acts.map((r) => r.action)).toEqual([
      'admin.user.lock',
      'session.revoke_all',
      'admin.user.unlock',
    ]);
    for (const row of acts) {
      expect(row).toMatchObject({ actor_type: 'api_key', actor_id: key.id });
      expect(row.ip).not.toBeNull();
    }
    expect(acts[0]?.request_id).toBe(locked.requestId);
    expect(acts[2]?.request_id).toBe(unlocked.requestId);
    // The administrator the key belongs to is named by none of them.
    expect(rows.filter((r) => r.actor_id === adminId)).toEqual([]);
  });

  it('a set_role by the key is refused (SESSION_REQUIRED): no change, no audit row', async () => {
    const target = await signInUser(t.url, `actor-promote-${kind}@example.com`);
    const res = await mutate(
      t.url,
      'admin.users.setRole',
      { id: target.userId, role: 'admin' },
      key.key,
    );
    expect(res.status).toBe(403);
    expect(res.body.error?.data.reason).toBe('SESSION_REQUIRED');
    const user = await t.database.handle.db
      .selectFrom('users')
      .select('role')
      .where('id', '=', target.userId)
      .executeTakeFirstOrThrow();
    expect(user.role).toBe('user');
    const rows = await rowsFor(target.userId);
    expect(rows.filter((r) => r.action === 'admin.user.set_role')).toEqual([]);
  });

  it('a JWT minted from the key is recorded as the key too', async () => {
    const token = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${key.id}:${key.key}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);
    const jwt = ((await token.json()) as { access_token: string }).access_token;
    const target = await signInUser(t.url, `actor-jwt-${kind}@example.com`);
    expect((await mutate(t.url, 'admin.users.lock', { id: target.userId }, jwt)).status).toBe(200);
    const lock = (await rowsFor(target.userId)).find((r) => r.action === 'admin.user.lock');
    expect(lock).toMatchObject({ actor_type: 'api_key', actor_id: key.id });
  });
});
