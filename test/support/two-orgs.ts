import { signInUser } from './sign-in-user';
import type { TestApp } from './test-app';
import type { TestClient } from './trpc-test-client';

export type SignedIn = TestClient & { userId: string };

export interface TwoOrgs {
  /** Owner of org A, and a project of theirs there. */
  readonly alice: SignedIn;
  readonly orgA: string;
  readonly projectA: { id: string; version: number };
  /** Owner of org B (a different tenant), and a project there. */
  readonly bob: SignedIn;
  readonly orgB: string;
  readonly projectB: { id: string; version: number };
}

/** Two users, each owning an org with one project: the cast of the tenant-isolation tests. */
export async function twoOrgs(t: TestApp, prefix: string): Promise<TwoOrgs> {
  const alice = await signInUser(t.url, `${prefix}-alice@example.com`);
  const bob = await signInUser(t.url, `${prefix}-bob@example.com`);
  const orgA = (await alice.trpc.orgs.create.mutate({ name: `${prefix} A` })).id;
  const orgB = (await bob.trpc.orgs.create.mutate({ name: `${prefix} B` })).id;
  const a = await alice.trpc.projects.create.mutate({ orgId: orgA, name: 'alpha' });
  const b = await bob.trpc.projects.create.mutate({ orgId: orgB, name: 'bravo' });
  return {
    alice,
    orgA,
    projectA: { id: a.id, version: a.version },
    bob,
    orgB,
    projectB: { id: b.id, version: b.version },
  };
}

/** A user added to `orgId` at `role` through a real invitation. */
export async function memberOf(
  t: TestApp,
  owner: SignedIn,
  orgId: string,
  email: string,
  role: 'admin' | 'member' | 'viewer',
  tokenFor: (email: string) => Promise<string>,
): Promise<SignedIn> {
  const user = await signInUser(t.url, email);
  await owner.trpc.orgs.members.invite.mutate({ orgId, email, role });
  await user.trpc.orgs.invitations.accept.mutate({ token: await tokenFor(email) });
  return user;
}
