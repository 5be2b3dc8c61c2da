import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertKey } from '../../server/src/api-keys/api-key-queries';
import { mintApiKey } from '../../server/src/api-keys/api-key-token';
import type { AuditAction } from '../../server/src/audit/audit-actions';
import { signInUser, TEST_PASSWORD } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient } from '../support/trpc-test-client';

/**
 * Every act an API key may do on sessions and keys is audited as the key
 * (actor_type 'api_key', actor_id the key's id), never as its owner: through
 * the real HTTP server, with the key as the only credential. An act a key
 * may not do (rotating, which mints a secret) is refused and leaves no row.
 */

type Body = { error?: { data: { reason: string } } };

const LIMITS = {
  RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000',
  LOGIN_MAX_FAILURES_PER_IP: '100000',
};

async function mutate(
  url: string,
  path: string,
  input: unknown,
  key: string,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

describe.each(DATABASE_KINDS)('audit actor of API key acts (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, LIMITS);
  });
  afterAll(async () => t?.close());

  async function mintKey(userId: string, scopes: string[]): Promise<{ id: string; key: string }> {
    const minted = mintApiKey();
    await insertKey(t.database.handle.db, {
      id: minted.id,
      userId,
      orgId: null,
      name: 'audit-actor',
      scopes,
      secretHash: minted.secretHash,
      expiresAt: new Date(Date.now() + 86_400_000),
      createdWithMfa: false,
    });
    return { id: minted.id, key: minted.key };
  }

  async function sessionIds(userId: string): Promise<string[]> {
    const rows = await t.database.handle.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.id);
  }

  async function rowsOf(action: AuditAction): Promise<{ type: string; id: string | null }[]> {
    const rows = await t.database.handle.db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', action)
      .execute();
    return rows.map((r) => ({ type: r.actor_type, id: r.actor_id }));
  }

  it('sessions.revoke, sessions.revokeOthers, apiKeys.revoke by a key name the key', async () => {
    const email = `audit-actor-${kind}@example.com`;
    const dana = await signInUser(t.url, email);
    // A second device: the session the key revokes by id.
    const other = createTestClient(t.url);
    await other.trpc.auth.signIn.mutate({ email, password: TEST_PASSWORD });
    const victim = (await dana.trpc.sessions.list.query()).sessions.find((s) => !s.current);
    if (!victim) throw new Error('expected a second session');
    const key = await mintKey(dana.userId, ['session:manage', 'apikey:manage']);
    const sibling = await mintKey(dana.userId, ['self:read']);

    const revoke = await mutate(t.url, 'sessions.revoke', { id: victim.id }, key.key);
    expect(revoke.status).toBe(200);
    expect(await sessionIds(dana.userId)).not.toContain(victim.id);

    const others = await mutate(t.url, 'sessions.revokeOthers', {}, key.key);
    expect(others.status).toBe(200);
    // A key has no session of its own to keep: every session of the owner goes.
    expect(await sessionIds(dana.userId)).toEqual([]);

    const revokeKey = await mutate(t.url, 'apiKeys.revoke', { id: sibling.id }, key.key);
    expect(revokeKey.status).toBe(200);
    const siblingRow = await t.database.handle.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', sibling.id)
      .executeTakeFirstOrThrow();
    expect(siblingRow.revoked_at).not.toBeNull();

    const asKey = [{ type: 'api_key', id: key.id }];
    expect(await rowsOf('session.revoke')).toEqual(asKey);
    expect(await rowsOf('session.revoke_others')).toEqual(asKey);
    expect(await rowsOf('api_key.revoke')).toEqual(asKey);
  });

  it('apiKeys.rotate by a key is refused and records no rotation', async () => {
    const email = `audit-actor-rotate-${kind}@example.com`;
    const erin = await signInUser(t.url, email);
    const key = await mintKey(erin.userId, ['apikey:manage']);
    const target = await mintKey(erin.userId, ['self:read']);
    const before = await t.database.handle.db
      .selectFrom('api_keys')
      .select(['secret_hash', 'previous_secret_hash'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();

    const rotate = await mutate(
      t.url,
      'apiKeys.rotate',
      { id: target.id, graceSeconds: 60 },
      key.key,
    );
    expect(rotate.status).toBe(403);
    expect(rotate.body.error?.data.reason).toBe('SESSION_REQUIRED');

    const after = await t.database.handle.db
      .selectFrom('api_keys')
      .select(['secret_hash', 'previous_secret_hash'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(after.secret_hash)).toEqual(Buffer.from(before.secret_hash));
    expect(after.previous_secret_hash).toBeNull();
    expect(await rowsOf('api_key.rotate')).toEqual([]);
  });
});
