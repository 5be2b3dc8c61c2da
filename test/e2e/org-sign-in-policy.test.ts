import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startOidcTestProvider,
  walkRedirects,
  type OidcTestProvider,
} from '../support/oidc-test-provider';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const REDIRECT = 'http://localhost:5999/auth/callback';
const SECRET = 'a client secret of the test provider, long enough';
const inADay = (): string => new Date(Date.now() + 86_400_000).toISOString();

describe.each(DATABASE_KINDS)('org sign-in policy: provider and email domain (%s)', (kind) => {
  let op: OidcTestProvider;
  beforeAll(async () => {
    op = await startOidcTestProvider({
      clientId: 'gatehouse',
      clientSecret: SECRET,
      redirectUri: REDIRECT,
      accounts: {
        owner: { email: `sso-owner-${kind}@corp.example`, email_verified: true },
        member: { email: `sso-member-${kind}@corp.example`, email_verified: true },
      },
    });
  });
  afterAll(() => op.close());
  const t = useTestApp(() => ({
    kind,
    env: {
      CORP_SECRET: SECRET,
      IDENTITY_PROVIDERS: JSON.stringify([
        {
          id: 'corp',
          type: 'oidc',
          issuer: op.issuer,
          clientId: 'gatehouse',
          clientSecretEnv: 'CORP_SECRET',
          redirectUri: REDIRECT,
        },
      ]),
    },
  }));
  const viaCorp = async (account: string, browser: TestClient = t.client()) => {
    op.signInAs(account);
    const { authorizationUrl } = await browser.trpc.auth.providers.start.mutate({
      provider: 'corp',
    });
    const search = await walkRedirects(authorizationUrl, REDIRECT);
    const r = await browser.trpc.auth.providers.callback.mutate({ provider: 'corp', search });
    if (r.status !== 'signed_in') throw new Error(`expected a session, got ${r.status}`);
    return { browser, userId: r.user.id };
  };

  it('requires sessions and keys from the provider once the org says so', async () => {
    const owner = await viaCorp('owner');
    const org = await owner.browser.trpc.orgs.create.mutate({ name: 'SSO Org' });
    // An unknown provider is refused; a known one the owner's own session meets is accepted.
    expect(
      await refusal(
        owner.browser.trpc.orgs.update.mutate({
          orgId: org.id,
          patch: { requireProvider: 'nope' },
        }),
      ),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
    const passwordKey = await owner.browser.trpc.apiKeys.create.mutate({
      name: 'made by a provider session',
      scopes: ['project:read'],
      expiresAt: inADay(),
      orgId: org.id,
    });
    const updated = await owner.browser.trpc.orgs.update.mutate({
      orgId: org.id,
      patch: { requireProvider: 'corp' },
    });
    expect(updated).toMatchObject({ requireProvider: 'corp', memberEmailDomain: null });

    // A member signed in with a password is refused in the org, not elsewhere.
    const member = await t.signIn(`sso-member-${kind}@corp.example`);
    await t.db
      .insertInto('memberships')
      .values({ org_id: org.id, user_id: member.userId, role: 'member' })
      .execute();
    expect(await refusal(member.trpc.projects.list.query({ orgId: org.id }))).toMatchObject({
      reason: 'SIGN_IN_METHOD_REQUIRED_BY_ORG',
      httpStatus: 403,
    });
    expect((await member.trpc.auth.me.query()).user.id).toBe(member.userId);
    // A key the member made from that password session is refused too.
    const memberKey = await member.trpc.apiKeys.create.mutate({
      name: 'password-made',
      scopes: ['project:read'],
      expiresAt: inADay(),
    });
    const asKey = createTestClient(t.url, {
      headers: { authorization: `Bearer ${memberKey.key}` },
    });
    expect(await refusal(asKey.trpc.projects.list.query({ orgId: org.id }))).toMatchObject({
      reason: 'SIGN_IN_METHOD_REQUIRED_BY_ORG',
    });

    // Linked to the provider and signed in through it, the member is let in.
    const { authorizationUrl } = await member.trpc.account.identities.startLink.mutate({
      provider: 'corp',
    });
    op.signInAs('member');
    const linked = await member.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await walkRedirects(authorizationUrl, REDIRECT),
    });
    expect(linked.status).toBe('linked');
    const memberViaCorp = await viaCorp('member');
    expect(memberViaCorp.userId).toBe(member.userId);
    expect(
      (await memberViaCorp.browser.trpc.projects.list.query({ orgId: org.id })).projects,
    ).toEqual([]);
    // The owner's key was made by a provider session: it still works.
    const ownerKey = createTestClient(t.url, {
      headers: { authorization: `Bearer ${passwordKey.key}` },
    });
    expect((await ownerKey.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
  });

  it('refuses a rule the caller would not meet, and enforces the email domain', async () => {
    const owner = await t.signIn(`domain-owner-${kind}@example.com`);
    const org = await owner.trpc.orgs.create.mutate({ name: 'Domain Org' });
    // The owner signed in with a password: a provider rule would lock them out.
    expect(
      await refusal(
        owner.trpc.orgs.update.mutate({ orgId: org.id, patch: { requireProvider: 'corp' } }),
      ),
    ).toMatchObject({ reason: 'SIGN_IN_METHOD_REQUIRED_BY_ORG' });
    expect(
      await refusal(
        owner.trpc.orgs.update.mutate({
          orgId: org.id,
          patch: { memberEmailDomain: 'corp.example' },
        }),
      ),
    ).toMatchObject({ reason: 'SIGN_IN_METHOD_REQUIRED_BY_ORG' });
    expect((await owner.trpc.orgs.get.query({ orgId: org.id })).requireProvider).toBeNull();
    await owner.trpc.orgs.update.mutate({
      orgId: org.id,
      patch: { memberEmailDomain: 'Example.com' },
    });
    const outsider = await t.signIn(`outsider-${kind}@elsewhere.example`);
    await t.db
      .insertInto('memberships')
      .values({ org_id: org.id, user_id: outsider.userId, role: 'member' })
      .execute();
    expect(await refusal(outsider.trpc.projects.list.query({ orgId: org.id }))).toMatchObject({
      reason: 'SIGN_IN_METHOD_REQUIRED_BY_ORG',
      httpStatus: 403,
    });
    expect((await owner.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
    // Lifting the rule reaches the member's cached memberships at once.
    await owner.trpc.orgs.update.mutate({ orgId: org.id, patch: { memberEmailDomain: null } });
    expect((await outsider.trpc.projects.list.query({ orgId: org.id })).projects).toEqual([]);
  });
});
