import { WEBHOOK_EVENT_TYPES } from '@gatehouse/shared';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { enterTenantScope } from '../../server/src/pipeline/tenant-scope';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailCapture, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { signInUser } from '../support/sign-in-user';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_DATABASE_URL } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { memberOf } from '../support/two-orgs';
import { startReceiver, type ReceivedWebhook } from './receiver';
import { EFFECT_WAIT_MS } from '../support/deadlines';

// Two instances on one database need PostgreSQL; PGlite is one process's.
const KIND = TEST_DATABASE_URL ? 'postgres' : 'pglite';
const FAST = {
  WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  WEBHOOK_POLL_MS: '20',
  WEBHOOK_RETRY_BASE_MS: '20',
  RATE_LIMIT_AUTH_PER_MINUTE: '10000',
  RATE_LIMIT_WRITE_PER_MINUTE: '10000',
};

function verified(secret: string, hit: ReceivedWebhook): { id: string; type: string } {
  return new Webhook(secret).verify(hit.body, hit.headers) as { id: string; type: string };
}

describe('webhooks', () => {
  let t: TestApp;
  let mail: MailCapture;
  const tokenFor = async (email: string): Promise<string> =>
    tokenFromMail(await mail.waitFor(email, /invited/));
  beforeAll(async () => {
    mail = createMailCapture();
    t = await startTestApp(KIND, FAST, { mailTransport: mail });
  });
  afterAll(async () => t?.close());
  const db = () => t.database.handle.db;

  async function ownerWithEndpoint(
    prefix: string,
    url: string,
    eventTypes = [...WEBHOOK_EVENT_TYPES],
  ) {
    const alice = await signInUser(t.url, `${prefix}-alice@example.com`);
    const orgId = (await alice.trpc.orgs.create.mutate({ name: `${prefix} org` })).id;
    const created = await alice.trpc.webhooks.create.mutate({ orgId, url, eventTypes });
    return { alice, orgId, endpoint: created.endpoint, secret: created.secret };
  }

  it('delivers each event type of the closed list once, signed per Standard Webhooks', async () => {
    const receiver = await startReceiver();
    try {
      const { alice, orgId, endpoint, secret } = await ownerWithEndpoint('all', receiver.url);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const p = await alice.trpc.projects.create.mutate({ orgId, name: 'p' });
      await alice.trpc.projects.update.mutate({
        orgId,
        id: p.id,
        version: 1,
        patch: { name: 'q' },
      });
      await alice.trpc.projects.delete.mutate({ orgId, id: p.id });
      await alice.trpc.orgs.update.mutate({ orgId, patch: { name: 'renamed' } });
      const carol = await memberOf(t, alice, orgId, 'all-carol@example.com', 'member', tokenFor);
      await alice.trpc.orgs.members.setRole.mutate({ orgId, userId: carol.userId, role: 'viewer' });
      await carol.trpc.orgs.leave.mutate({ orgId });
      const dave = await memberOf(t, alice, orgId, 'all-dave@example.com', 'member', tokenFor);
      await alice.trpc.orgs.members.remove.mutate({ orgId, userId: dave.userId });
      await alice.trpc.apiKeys.create.mutate({
        name: 'bound',
        scopes: ['project:read'],
        orgId,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const expected = [...WEBHOOK_EVENT_TYPES, 'org.member.invited', 'org.member.joined'].sort();
      const hits = await receiver.waitFor(expected.length);
      await new Promise((r) => setTimeout(r, 200));
      expect(hits).toHaveLength(expected.length);
      const events = hits.map((h) => verified(secret, h));
      expect(events.map((e) => e.type).sort()).toEqual(expected);
      // One webhook-id per event, equal to the payload's id.
      expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(expected.length);
      for (const [i, h] of hits.entries()) expect(h.headers['webhook-id']).toBe(events[i]?.id);
      const created = events.find((e) => e.type === 'project.created') as unknown as {
        orgId: string;
        target: { id: string };
        actor: { id: string };
      };
      expect(created).toMatchObject({ orgId, target: { id: p.id }, actor: { id: alice.userId } });
      // A wrong secret does not verify.
      expect(() => verified(`whsec_${Buffer.alloc(32).toString('base64')}`, hits[0]!)).toThrow();
      // The secret is never listed, and at rest it is key-ring ciphertext.
      const listed = await alice.trpc.webhooks.list.query({ orgId });
      expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
      const row = await db()
        .selectFrom('webhook_endpoints')
        .select('secret')
        .where('id', '=', endpoint.id)
        .executeTakeFirstOrThrow();
      expect(row.secret).toMatch(/^v1\./);
      expect(row.secret).not.toContain(secret.slice(6, 20));
    } finally {
      await receiver.close();
    }
  });

  it('retries a receiver that fails 3 times, then delivers exactly once more', async () => {
    const receiver = await startReceiver((n) => (n <= 3 ? 503 : 200));
    try {
      const { alice, orgId, secret } = await ownerWithEndpoint('retry', receiver.url, [
        'project.created',
      ]);
      await alice.trpc.projects.create.mutate({ orgId, name: 'once' });
      const hits = await receiver.waitFor(4);
      await new Promise((r) => setTimeout(r, 500));
      expect(hits).toHaveLength(4);
      expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
      expect(verified(secret, hits[3]!).type).toBe('project.created');
      // Backoff: each wait at least half of base · 2^(n-1) (10, 20, 40 ms).
      expect(hits[3]!.at - hits[0]!.at).toBeGreaterThanOrEqual(70);
      const delivery = await db()
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts', 'last_status'])
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow();
      expect(delivery).toEqual({ status: 'succeeded', attempts: 4, last_status: 200 });
    } finally {
      await receiver.close();
    }
  });

  it('a rolled-back change queues nothing; the same change committed is delivered', async () => {
    const receiver = await startReceiver();
    try {
      const { alice, orgId } = await ownerWithEndpoint('rollback', receiver.url, [
        'project.created',
      ]);
      const event = {
        action: 'project.create' as const,
        actor: { type: 'user' as const, id: alice.userId },
        target: { type: 'project', id: '00000000-0000-4000-8000-000000000001' },
        orgId,
        outcome: 'success' as const,
      };
      await expect(
        db()
          .transaction()
          .execute(async (trx) => {
            await t.app.deps.audit.append(trx, event);
            throw new Error('the change fails after its audit event');
          }),
      ).rejects.toThrow(/fails after/);
      await t.app.deliverWebhooks();
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(0);
      const queued = await db()
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('org_id', '=', orgId)
        .execute();
      expect(queued).toHaveLength(0);
      await db()
        .transaction()
        .execute((trx) => t.app.deps.audit.append(trx, event));
      expect((await receiver.waitFor(1)).length).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('rotation: both secrets sign during the grace period', async () => {
    const receiver = await startReceiver();
    try {
      const { alice, orgId, endpoint, secret } = await ownerWithEndpoint('rotate', receiver.url);
      const rotated = await alice.trpc.webhooks.rotateSecret.mutate({
        orgId,
        id: endpoint.id,
        graceSeconds: 3600,
      });
      expect(rotated.secret).not.toBe(secret);
      expect(rotated.endpoint.rotationGraceUntil).not.toBeNull();
      await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      const [hit] = await receiver.waitFor(1);
      expect(hit!.headers['webhook-signature']?.split(' ')).toHaveLength(2);
      expect(verified(rotated.secret, hit!).type).toBe('webhook.test');
      expect(verified(secret, hit!).type).toBe('webhook.test');
      // Without a grace period only the new secret signs.
      await alice.trpc.webhooks.rotateSecret.mutate({ orgId, id: endpoint.id, graceSeconds: 0 });
      await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      const second = (await receiver.waitFor(2))[1]!;
      expect(second.headers['webhook-signature']?.split(' ')).toHaveLength(1);
      expect(() => verified(rotated.secret, second)).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it("another org's endpoint or delivery: NOT_FOUND; members: FORBIDDEN; no change", async () => {
    const receiver = await startReceiver();
    try {
      const { alice, orgId, endpoint } = await ownerWithEndpoint('bola', receiver.url, [
        'project.deleted',
      ]);
      await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      await receiver.waitFor(1);
      const delivery = (
        await alice.trpc.webhooks.listDeliveries.query({ orgId, endpointId: endpoint.id })
      ).deliveries[0]!;
      const bob = await signInUser(t.url, 'bola-bob@example.com');
      const orgB = (await bob.trpc.orgs.create.mutate({ name: 'bob org' })).id;
      const id = endpoint.id;
      for (const attempt of [
        () =>
          bob.trpc.webhooks.update.mutate({
            orgId: orgB,
            id,
            patch: { url: 'http://127.0.0.1:1/x' },
          }),
        () => bob.trpc.webhooks.delete.mutate({ orgId: orgB, id }),
        () => bob.trpc.webhooks.disable.mutate({ orgId: orgB, id }),
        () => bob.trpc.webhooks.rotateSecret.mutate({ orgId: orgB, id }),
        () => bob.trpc.webhooks.sendTest.mutate({ orgId: orgB, id }),
        () => bob.trpc.webhooks.listDeliveries.query({ orgId: orgB, endpointId: id }),
        () => bob.trpc.webhooks.redeliver.mutate({ orgId: orgB, deliveryId: delivery.id }),
        () => bob.trpc.webhooks.delete.mutate({ orgId, id }),
      ])
        expect(await refusal(attempt())).toMatchObject({ httpStatus: 404, reason: 'NOT_FOUND' });
      const member = await memberOf(t, alice, orgId, 'bola-member@example.com', 'member', tokenFor);
      expect(await refusal(member.trpc.webhooks.list.query({ orgId }))).toMatchObject({
        httpStatus: 403,
        reason: 'FORBIDDEN',
      });
      const after = await alice.trpc.webhooks.list.query({ orgId });
      expect(after.endpoints).toEqual([
        expect.objectContaining({ id, url: receiver.url, status: 'active' }),
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("RLS: a tenant transaction sees only its orgs' endpoints and deliveries", async () => {
    const { alice, orgId, endpoint } = await ownerWithEndpoint('rls', 'http://127.0.0.1:9/x', [
      'project.created',
    ]);
    await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
    const seen = (orgIds: string[]) =>
      db()
        .transaction()
        .execute(async (trx) => {
          await enterTenantScope(trx, alice.userId, orgIds);
          // No WHERE on purpose: the policy alone decides.
          const endpoints = await trx.selectFrom('webhook_endpoints').select('id').execute();
          const deliveries = await trx.selectFrom('webhook_deliveries').select('org_id').execute();
          return { endpoints: endpoints.map((e) => e.id), orgs: deliveries.map((d) => d.org_id) };
        });
    expect(await seen([randomUUID()])).toEqual({ endpoints: [], orgs: [] });
    const own = await seen([orgId]);
    expect(own.endpoints).toEqual([endpoint.id]);
    expect(own.orgs.length).toBeGreaterThan(0);
    expect(own.orgs.every((o) => o === orgId)).toBe(true);
  });

  it('refuses a metadata or private address at create and update, storing nothing', async () => {
    const alice = await signInUser(t.url, 'ssrf-alice@example.com');
    const orgId = (await alice.trpc.orgs.create.mutate({ name: 'ssrf org' })).id;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.2]/',
      'ftp://example.com/',
    ])
      expect(
        await refusal(
          alice.trpc.webhooks.create.mutate({ orgId, url, eventTypes: ['org.updated'] }),
        ),
      ).toMatchObject({ httpStatus: 400, reason: 'WEBHOOK_DESTINATION_REFUSED' });
    expect((await alice.trpc.webhooks.list.query({ orgId })).endpoints).toEqual([]);
    // webhooks.update is the other procedure taking a URL: the same check, nothing changed.
    const { endpoint } = await alice.trpc.webhooks.create.mutate({
      orgId,
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['org.updated'],
    });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/'])
      expect(
        await refusal(
          alice.trpc.webhooks.update.mutate({ orgId, id: endpoint.id, patch: { url } }),
        ),
      ).toMatchObject({ httpStatus: 400, reason: 'WEBHOOK_DESTINATION_REFUSED' });
    const [kept] = (await alice.trpc.webhooks.list.query({ orgId })).endpoints;
    expect(kept?.url).toBe('http://127.0.0.1:9/hook');
  });

  it('lists deliveries in keyset pages and redelivers one with the same webhook-id', async () => {
    const receiver = await startReceiver();
    try {
      const { alice, orgId, endpoint } = await ownerWithEndpoint('pages', receiver.url);
      for (let i = 0; i < 5; i++)
        await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      await receiver.waitFor(5);
      // The receiver has the requests before the worker records their answers: wait for those.
      const deadline = Date.now() + EFFECT_WAIT_MS;
      for (;;) {
        const { deliveries } = await alice.trpc.webhooks.listDeliveries.query({
          orgId,
          endpointId: endpoint.id,
          limit: 10,
        });
        if (deliveries.filter((d) => d.status === 'succeeded').length === 5) break;
        if (Date.now() > deadline) throw new Error('the five deliveries were never recorded');
        await new Promise((r) => setTimeout(r, 50));
      }
      const first = await alice.trpc.webhooks.listDeliveries.query({
        orgId,
        endpointId: endpoint.id,
        limit: 3,
      });
      expect(first.deliveries).toHaveLength(3);
      const second = await alice.trpc.webhooks.listDeliveries.query({
        orgId,
        endpointId: endpoint.id,
        limit: 3,
        cursor: first.nextCursor!,
      });
      expect(second.deliveries).toHaveLength(2);
      expect(second.nextCursor).toBeNull();
      const all = [...first.deliveries, ...second.deliveries];
      expect(new Set(all.map((d) => d.id)).size).toBe(5);
      expect(all.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
      const again = await alice.trpc.webhooks.redeliver.mutate({ orgId, deliveryId: all[4]!.id });
      expect(again.eventId).toBe(all[4]!.eventId);
      const hits = await receiver.waitFor(6);
      expect(hits[5]!.headers['webhook-id']).toBe(all[4]!.eventId);
    } finally {
      await receiver.close();
    }
  });

  it('keeps at most WEBHOOK_CONCURRENCY_PER_ENDPOINT attempts in flight per endpoint', async () => {
    const receiver = await startReceiver(
      () => new Promise<number>((r) => setTimeout(() => r(200), 150)),
    );
    try {
      const { alice, orgId, endpoint } = await ownerWithEndpoint('limit', receiver.url);
      for (let i = 0; i < 10; i++)
        await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      await receiver.waitFor(10);
      expect(receiver.concurrency.max).toBeGreaterThan(1);
      expect(receiver.concurrency.max).toBeLessThanOrEqual(4);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhooks: giving up, host names, restarts', () => {
  it('gives up after WEBHOOK_RETRY_FOR_SECONDS: endpoint failing, admins mailed once', async () => {
    const mail = createMailCapture();
    const t = await startTestApp(
      KIND,
      { ...FAST, WEBHOOK_RETRY_FOR_SECONDS: '1', WEBHOOK_RETRY_BASE_MS: '100' },
      { mailTransport: mail },
    );
    const receiver = await startReceiver(() => 500);
    try {
      const alice = await signInUser(t.url, 'fail-alice@example.com');
      const orgId = (await alice.trpc.orgs.create.mutate({ name: 'fail org' })).id;
      const { endpoint } = await alice.trpc.webhooks.create.mutate({
        orgId,
        url: receiver.url,
        eventTypes: ['project.created'],
      });
      await alice.trpc.projects.create.mutate({ orgId, name: 'doomed' });
      const notice = await mail.waitFor('fail-alice@example.com', /is failing/, EFFECT_WAIT_MS);
      expect(notice.text).toContain(endpoint.id);
      const [listed] = (await alice.trpc.webhooks.list.query({ orgId })).endpoints;
      expect(listed?.status).toBe('failing');
      const [delivery] = (
        await alice.trpc.webhooks.listDeliveries.query({ orgId, endpointId: endpoint.id })
      ).deliveries;
      expect(delivery).toMatchObject({ status: 'failed', lastStatus: 500 });
      expect(delivery!.attempts).toBeGreaterThan(1);
      const attempts = receiver.received.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received.length).toBe(attempts);
      const metrics = await t.app.deps.metrics.registry.metrics();
      expect(metrics).toMatch(/gatehouse_webhook_deliveries_total\{outcome="given_up"\} 1/);
      expect(metrics).toMatch(/gatehouse_webhook_queue_depth 0/);
      expect(mail.messages.filter((m) => /is failing/.test(m.subject))).toHaveLength(1);
    } finally {
      await receiver.close();
      await t.close();
    }
  });

  it('refuses a name resolving to loopback without the allowlist, counted as refused', async () => {
    const receiver = await startReceiver();
    const t = await startTestApp(
      KIND,
      { ...FAST, WEBHOOK_ALLOW_HOSTS: undefined, WEBHOOK_RETRY_FOR_SECONDS: '1' },
      { webhookResolver: async () => [{ address: '127.0.0.1', family: 4 }] },
    );
    try {
      const alice = await signInUser(t.url, 'dns-alice@example.com');
      const orgId = (await alice.trpc.orgs.create.mutate({ name: 'dns org' })).id;
      const port = new URL(receiver.url).port;
      const { endpoint } = await alice.trpc.webhooks.create.mutate({
        orgId,
        url: `http://rebind.example:${port}/hooks`,
        eventTypes: ['project.created'],
      });
      await alice.trpc.webhooks.sendTest.mutate({ orgId, id: endpoint.id });
      // The worker polls too: wait for the attempt to be recorded, whoever made it.
      let delivery;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
        await t.app.deliverWebhooks();
        [delivery] = (
          await alice.trpc.webhooks.listDeliveries.query({ orgId, endpointId: endpoint.id })
        ).deliveries;
        if (delivery?.lastError) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(delivery?.lastError).toMatch(/refused: loopback \(127\.0\.0\.1\)/);
      expect(receiver.received).toHaveLength(0);
      expect(await t.app.deps.metrics.registry.metrics()).toMatch(
        /gatehouse_webhook_deliveries_total\{outcome="refused"\} [1-9]/,
      );
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('another instance delivers an event committed by one that never delivered it', async () => {
    const database: TestDatabase = await createTestDatabase(KIND);
    const receiver = await startReceiver();
    // The first instance's worker never polls: as if it died right after the commit.
    const first = await startTestApp(KIND, { ...FAST, WEBHOOK_POLL_MS: '3600000' }, { database });
    let second: TestApp | undefined;
    try {
      const alice = await signInUser(first.url, 'restart-alice@example.com');
      const orgId = (await alice.trpc.orgs.create.mutate({ name: 'restart org' })).id;
      const { secret } = await alice.trpc.webhooks.create.mutate({
        orgId,
        url: receiver.url,
        eventTypes: ['project.created'],
      });
      await alice.trpc.projects.create.mutate({ orgId, name: 'survives' });
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(0);
      await first.close();
      if (KIND === 'postgres') {
        second = await startTestApp(KIND, FAST, { database });
        const [hit] = await receiver.waitFor(1);
        expect(verified(secret, hit!).type).toBe('project.created');
        await new Promise((r) => setTimeout(r, 200));
        expect(receiver.received).toHaveLength(1);
      }
    } finally {
      await second?.close();
      await receiver.close();
      await database.destroy();
    }
  });
});
