import { createGatehouseClient } from '@gatehouse/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson } from '../../server/src/audit/canonical-json';
import * as idempotencyPurge from '../../server/src/idempotency/purge-expired-idempotency-keys';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

describe.each(DATABASE_KINDS)('Idempotency-Key on mutations (%s)', (kind) => {
  let cast: TwoOrgs;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'idem');
  });

  const create = (key: string, name: string) =>
    cast.alice.jar.fetch(`${t.url}/trpc/projects.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ orgId: cast.orgA, name }),
    });
  const count = async (name: string) =>
    (
      await t.database.handle.db
        .selectFrom('projects')
        .select('id')
        .where('name', '=', name)
        .execute()
    ).length;

  it('replays the first response for a repeated key, writing once', async () => {
    const first = await create('key-replay-1', 'idem once');
    const second = await create('key-replay-1', 'idem once');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(await first.text());
    expect(await count('idem once')).toBe(1);
  });

  it('answers IDEMPOTENCY_KEY_REUSED (422) for the same key with another input', async () => {
    await create('key-reuse-1', 'idem first');
    const res = await create('key-reuse-1', 'idem different');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(await count('idem different')).toBe(0);
  });

  it('makes one write from two concurrent requests with one key', async () => {
    const results = await Promise.all([
      create('key-concurrent-1', 'idem concurrent'),
      create('key-concurrent-1', 'idem concurrent'),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(await count('idem concurrent')).toBe(1);
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
  });

  it('keys belong to their principal: another user may use the same key', async () => {
    await create('key-shared-1', 'idem alice');
    const res = await cast.bob.jar.fetch(`${t.url}/trpc/projects.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key-shared-1' },
      body: JSON.stringify({ orgId: cast.orgB, name: 'idem bob' }),
    });
    expect(res.status).toBe(200);
    expect(await count('idem bob')).toBe(1);
  });

  it('does not keep failures: a refused call can be retried with the same key', async () => {
    const bad = await cast.alice.jar.fetch(`${t.url}/trpc/projects.update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key-fail-1' },
      body: JSON.stringify({
        orgId: cast.orgA,
        id: cast.projectA.id,
        version: 999,
        patch: { name: 'x' },
      }),
    });
    expect(bad.status).toBe(409);
    const retry = await cast.alice.jar.fetch(`${t.url}/trpc/projects.update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key-fail-1' },
      body: JSON.stringify({
        orgId: cast.orgA,
        id: cast.projectA.id,
        version: 999,
        patch: { name: 'x' },
      }),
    });
    expect(retry.status).toBe(409);
    expect(
      ((await retry.json()) as { error: { data: { reason: string } } }).error.data.reason,
    ).toBe('CONFLICT');
  });

  it('a claim left by a dead process no longer blocks its key after 5 minutes', async () => {
    const db = t.database.handle.db;
    const principal = `user:${cast.alice.userId}`;
    // The claim a first call with this input would have made.
    const claim = (key: string, minutesAgo: number, name: string) =>
      db
        .insertInto('idempotency_keys')
        .values({
          principal,
          key,
          procedure: 'projects.create',
          request_hash: createHash('sha256')
            .update(canonicalJson({ orgId: cast.orgA, name }))
            .digest(),
          state: 'in_progress',
          response: null,
        })
        .execute()
        .then(() =>
          sql`update idempotency_keys set created_at = now() - make_interval(mins => ${minutesAgo})
            where principal = ${principal} and key = ${key}`.execute(db),
        );
    await claim('key-abandoned-1', 6, 'idem after a crash');
    await claim('key-live-1', 1, 'idem still running');
    const taken = await create('key-abandoned-1', 'idem after a crash');
    expect(taken.status).toBe(200);
    expect(await count('idem after a crash')).toBe(1);
    // A recent claim is still someone's call in flight: 409, nothing written.
    const busy = await create('key-live-1', 'idem still running');
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      'IDEMPOTENCY_KEY_IN_USE',
    );
    expect(await count('idem still running')).toBe(0);
  });

  it('the hourly sweep deletes responses older than 24 hours, keeps the rest', async () => {
    const db = t.database.handle.db;
    await create('key-sweep-fresh', 'idem sweep fresh');
    await db
      .insertInto('idempotency_keys')
      .values({
        principal: `user:${cast.alice.userId}`,
        key: 'key-sweep-old',
        procedure: 'projects.create',
        request_hash: Buffer.alloc(32),
        state: 'done',
        response: 'null',
      })
      .execute();
    await sql`update idempotency_keys set created_at = now() - interval '25 hours' where key =
      'key-sweep-old'`.execute(db);
    expect(await idempotencyPurge.purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const keys = (
      await db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('key', 'in', ['key-sweep-old', 'key-sweep-fresh'])
        .execute()
    ).map((r) => r.key);
    expect(keys).toEqual(['key-sweep-fresh']);
    // The swept key is free again: a new call with it writes.
    const again = await create('key-sweep-old', 'idem sweep reused');
    expect(again.status).toBe(200);
    expect(await count('idem sweep reused')).toBe(1);
  });

  it('the client SDK attaches a key to a mutation through its call context', async () => {
    const { key } = await cast.alice.trpc.apiKeys.create.mutate({
      name: 'sdk',
      scopes: ['project:write', 'project:read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const client = createGatehouseClient({ url: t.url, credentials: { apiKey: key } });
    const a = await client.projects.create.mutate(
      { orgId: cast.orgA, name: 'idem sdk' },
      { context: { idempotencyKey: 'sdk-key-1' } },
    );
    const b = await client.projects.create.mutate(
      { orgId: cast.orgA, name: 'idem sdk' },
      { context: { idempotencyKey: 'sdk-key-1' } },
    );
    expect(b.id).toBe(a.id);
    expect(await count('idem sdk')).toBe(1);
  });
});
