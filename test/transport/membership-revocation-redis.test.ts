// The membership cache across instances: a join, a demotion, a removal or an org's new MFA
// rule made on one server process reaches another's cached memberships through Redis pub/sub
// within a second, before that cache would have expired.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../support/spawn-server';
import { REDIS_URL, TEST_DATABASE_URL } from '../support/test-env';
import { signedInOnA, useTwoInstances } from '../support/two-instances';

/** How long an instance with Redis serves memberships from memory (credentialCacheTtlMs). */
const CACHE_TTL_MS = 10_000;
const REACH_MS = 1_000;

describe.runIf(TEST_DATABASE_URL && REDIS_URL)(
  'membership changes between two instances through Redis',
  () => {
    const pair = useTwoInstances('memberships');
    type Answer = { status: number; data: unknown; reason: string | undefined };
    const call = async (
      server: SpawnedServer,
      path: string,
      input: unknown,
      cookie: string,
      method: 'GET' | 'POST' = 'POST',
    ): Promise<Answer> => {
      const query = method === 'GET' ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
      const res = await fetch(`${server.url}/trpc/${path}${query}`, {
        method,
        headers: { 'content-type': 'application/json', origin: server.url, cookie },
        ...(method === 'POST' ? { body: JSON.stringify(input) } : {}),
      });
      const json = (await res.json()) as {
        result?: { data: unknown };
        error?: { data?: { reason?: string } };
      };
      return { status: res.status, data: json.result?.data, reason: json.error?.data?.reason };
    };
    const user = (email: string) => signedInOnA(pair, email);
    /** On B: the member lists the org's projects (status), or creates one (`write`). */
    const onB = async (who: { cookie: string }, orgId: string, write = false): Promise<Answer> =>
      write
        ? call(
            pair.b,
            'projects.create',
            { orgId, name: `p-${randomUUID().slice(0, 8)}` },
            who.cookie,
          )
        : call(pair.b, 'projects.list', { orgId, limit: 5 }, who.cookie, 'GET');
    /**
     * After `act` on A, how long until `changed` holds on B, which had just answered from its
     * cache: only the message can change B's answer before the entry expires.
     */
    const reachesB = async (
      act: () => Promise<void>,
      changed: () => Promise<boolean>,
    ): Promise<number> => {
      const cachedBefore = Date.now();
      await act();
      const actedAt = Date.now();
      let seen = await changed();
      while (!seen && Date.now() - cachedBefore < CACHE_TTL_MS) {
        await new Promise((r) => setTimeout(r, 10));
        seen = await changed();
      }
      expect(seen).toBe(true);
      return Date.now() - actedAt;
    };

    let owner: { cookie: string; id: string; email: string };
    let member: { cookie: string; id: string; email: string };
    let orgId: string;
    /** Invites `email` and returns the token of the invitation mail (not an earlier one). */
    const invite = async (email: string, role: string): Promise<string> => {
      const mailed = (): number => pair.smtp.received.filter((m) => m.to.includes(email)).length;
      const before = mailed();
      const invited = await call(
        pair.a,
        'orgs.members.invite',
        { orgId, email, role },
        owner.cookie,
      );
      expect(invited, JSON.stringify(invited)).toMatchObject({ status: 200 });
      for (let waited = 0; mailed() === before && waited < 10_000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      return pair.smtp.tokenFor(email);
    };
    beforeAll(async () => {
      owner = await user('memberships-owner@example.com');
      member = await user('memberships-member@example.com');
      orgId = (
        (await call(pair.a, 'orgs.create', { name: 'cached memberships' }, owner.cookie)).data as {
          id: string;
        }
      ).id;
    });

    it('B answers from its cache: a membership deleted behind its back goes unseen', async () => {
      const probe = await user('memberships-probe@example.com');
      const token = await invite(probe.email, 'viewer');
      expect((await call(pair.a, 'orgs.invitations.accept', { token }, probe.cookie)).status).toBe(
        200,
      );
      expect((await onB(probe, orgId)).status).toBe(200);
      await pair.db.query('delete from memberships where user_id = $1', [probe.id]);
      expect((await onB(probe, orgId)).status).toBe(200);
    });

    it('a join on A is seen by B at once, though B had cached them as no member', async () => {
      expect((await onB(member, orgId)).reason).toBe('NOT_FOUND'); // cached: no membership
      const token = await invite(member.email, 'member');
      const took = await reachesB(
        async () => {
          const accepted = await call(pair.a, 'orgs.invitations.accept', { token }, member.cookie);
          expect(accepted.status).toBe(200);
        },
        async () => (await onB(member, orgId)).status === 200,
      );
      expect(took).toBeLessThan(REACH_MS);
    });

    it('a demotion on A stops the member writing on B within a second', async () => {
      expect((await onB(member, orgId, true)).status).toBe(200);
      const took = await reachesB(
        async () => {
          const set = await call(
            pair.a,
            'orgs.members.setRole',
            { orgId, userId: member.id, role: 'viewer' },
            owner.cookie,
          );
          expect(set.status).toBe(200);
        },
        async () => (await onB(member, orgId, true)).reason === 'FORBIDDEN',
      );
      expect(took).toBeLessThan(REACH_MS);
    });

    it('a removal on A ends the member’s reach on B within a second', async () => {
      expect((await onB(member, orgId)).status).toBe(200);
      const took = await reachesB(
        async () => {
          const removed = await call(
            pair.a,
            'orgs.members.remove',
            { orgId, userId: member.id },
            owner.cookie,
          );
          expect(removed.status).toBe(200);
        },
        async () => (await onB(member, orgId)).reason === 'NOT_FOUND',
      );
      expect(took).toBeLessThan(REACH_MS);
    });
    it('an org that starts requiring MFA on A refuses its owner’s session on B', async () => {
      expect((await onB(owner, orgId)).status).toBe(200);
      const took = await reachesB(
        async () => {
          const updated = await call(
            pair.a,
            'orgs.update',
            { orgId, patch: { requireMfa: true } },
            owner.cookie,
          );
          expect(updated.status).toBe(200);
        },
        async () => (await onB(owner, orgId)).reason === 'MFA_REQUIRED_BY_ORG',
      );
      expect(took).toBeLessThan(REACH_MS);
    });
  },
);
