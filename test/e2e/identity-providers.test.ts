import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForgingProvider, type ForgingProvider } from '../support/forging-oidc-provider';
import { startGitHubStub, type GitHubStub } from '../support/github-oauth-stub';
import {
  startOidcTestProvider,
  walkRedirects,
  type OidcTestProvider,
} from '../support/oidc-test-provider';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const REDIRECT = 'http://localhost:5999/auth/callback';
const SECRET = 'a client secret of the test provider, long enough';

describe.each(DATABASE_KINDS)('identity providers (%s)', (kind) => {
  let op: OidcTestProvider;
  let forging: ForgingProvider;
  let gh: GitHubStub;
  beforeAll(async () => {
    op = await startOidcTestProvider({
      clientId: 'gatehouse',
      clientSecret: SECRET,
      redirectUri: REDIRECT,
      accounts: {
        newcomer: {
          email: `newcomer-${kind}@example.com`,
          email_verified: true,
          name: 'New Comer',
        },
        holder: { email: `holder-${kind}@example.com`, email_verified: true },
        unverified: { email: `unverified-${kind}@example.com`, email_verified: false },
        linker: { email: `linker-idp-${kind}@example.com`, email_verified: true },
      },
    });
    forging = await startForgingProvider({
      clientId: 'gatehouse',
      redirectUri: REDIRECT,
      subject: 'forged-subject',
      email: `forged-${kind}@example.com`,
    });
    gh = await startGitHubStub(REDIRECT);
  });
  afterAll(async () => {
    await Promise.all([op.close(), forging.close(), gh.close()]);
  });
  const t = useTestApp(() => ({
    kind,
    env: {
      CORP_SECRET: SECRET,
      IDENTITY_PROVIDERS: JSON.stringify([
        {
          id: 'corp',
          type: 'oidc',
          name: 'Corp',
          issuer: op.issuer,
          clientId: 'gatehouse',
          clientSecretEnv: 'CORP_SECRET',
          scopes: ['openid', 'email', 'profile'],
          redirectUri: REDIRECT,
        },
        {
          id: 'partner',
          type: 'oidc',
          issuer: op.issuer,
          clientId: 'gatehouse',
          clientSecretEnv: 'CORP_SECRET',
          allowedDomains: ['partner.example'],
          redirectUri: REDIRECT,
        },
        {
          id: 'forge',
          type: 'oidc',
          issuer: forging.issuer,
          clientId: 'gatehouse',
          clientSecretEnv: 'CORP_SECRET',
          redirectUri: REDIRECT,
        },
        {
          id: 'gh',
          type: 'github',
          issuer: gh.base,
          apiBase: gh.base,
          clientId: 'gatehouse-gh',
          clientSecretEnv: 'CORP_SECRET',
          redirectUri: REDIRECT,
        },
      ]),
    },
  }));

  /** Starts at `provider` in `browser`, walks the provider, returns the callback's search. */
  const through = async (browser: TestClient, provider: string, returnTo?: string) => {
    const { authorizationUrl } = await browser.trpc.auth.providers.start.mutate({
      provider,
      ...(returnTo === undefined ? {} : { returnTo }),
    });
    return walkRedirects(authorizationUrl, REDIRECT);
  };
  const userByEmail = (email: string) =>
    t.db
      .selectFrom('users')
      .select(['id', 'email_verified_at'])
      .where('email', '=', email)
      .executeTakeFirst();

  it('lists the providers and signs a new verified identity up and in, then in again', async () => {
    const listed = await t.client().trpc.auth.providers.list.query();
    expect(listed.providers.map((p) => p.id)).toEqual(['corp', 'partner', 'forge', 'gh']);
    op.signInAs('newcomer');
    const browser = t.client();
    const search = await through(browser, 'corp', '/welcome');
    expect(search).toMatch(/[?&]iss=/);
    const result = await browser.trpc.auth.providers.callback.mutate({ provider: 'corp', search });
    expect(result).toMatchObject({ status: 'signed_in', returnTo: '/welcome' });
    const me = await browser.trpc.auth.me.query();
    expect(me.user).toMatchObject({ email: `newcomer-${kind}@example.com`, emailVerified: true });
    expect(me.session?.authMethod).toBe('idp:corp');
    const listed2 = await browser.trpc.sessions.list.query();
    expect(listed2.sessions.find((s) => s.current)?.authMethod).toBe('idp:corp');
    const again = t.client();
    const second = await again.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(again, 'corp'),
    });
    expect(second.status).toBe('signed_in');
    expect((await again.trpc.auth.me.query()).user.id).toBe(me.user.id);
    // No password was set: password sign-in opens nothing.
    expect(
      await refusal(
        t.client().trpc.auth.signIn.mutate({
          email: `newcomer-${kind}@example.com`,
          password: TEST_PASSWORD,
        }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
  });

  it('links an existing account only after its owner proves it (link_required)', async () => {
    const owner = await t.signIn(`holder-${kind}@example.com`);
    op.signInAs('holder');
    const attacker = t.client();
    const result = await attacker.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(attacker, 'corp'),
    });
    expect(result).toMatchObject({ status: 'link_required', email: `holder-${kind}@example.com` });
    expect(JSON.stringify(result)).not.toMatch(/token/i);
    expect((await refusal(attacker.trpc.auth.me.query())).httpStatus).toBe(401);
    expect((await refusal(attacker.trpc.account.identities.confirmLink.mutate())).httpStatus).toBe(
      401,
    );
    // Another account, or the owner in another browser, finds nothing to confirm.
    const other = await t.signIn(`not-the-holder-${kind}@example.com`);
    expect(await refusal(other.trpc.account.identities.confirmLink.mutate())).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    expect(await refusal(owner.trpc.account.identities.confirmLink.mutate())).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    expect((await owner.trpc.account.identities.list.query()).identities).toEqual([]);

    // The owner, in the browser the provider sent back, proves the account and confirms.
    const browser = t.client();
    const pending = await browser.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(browser, 'corp'),
    });
    expect(pending.status).toBe('link_required');
    await browser.trpc.auth.signIn.mutate({
      email: `holder-${kind}@example.com`,
      password: TEST_PASSWORD,
    });
    await browser.trpc.account.identities.confirmLink.mutate();
    const linked = await browser.trpc.account.identities.list.query();
    expect(linked.identities.map((i) => i.provider)).toEqual(['corp']);
    expect(await refusal(browser.trpc.account.identities.confirmLink.mutate())).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    const viaProvider = t.client();
    expect(
      (
        await viaProvider.trpc.auth.providers.callback.mutate({
          provider: 'corp',
          search: await through(viaProvider, 'corp'),
        })
      ).status,
    ).toBe('signed_in');
    expect((await viaProvider.trpc.auth.me.query()).user.id).toBe(owner.userId);
  });

  it('refuses an unverified email claim: no account, no link', async () => {
    await t.signIn(`unverified-${kind}@example.com`);
    op.signInAs('unverified');
    const browser = t.client();
    expect(
      await refusal(
        browser.trpc.auth.providers.callback.mutate({
          provider: 'corp',
          search: await through(browser, 'corp'),
        }),
      ),
    ).toMatchObject({ reason: 'IDP_EMAIL_UNVERIFIED', httpStatus: 403 });
    const rows = await t.db
      .selectFrom('user_identities')
      .select('subject')
      .where('subject', '=', 'unverified')
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses replayed, missing, altered, foreign-browser state and mix-up', async () => {
    op.signInAs('newcomer');
    const browser = t.client();
    const search = await through(browser, 'corp');
    // Another browser (no binding cookie) cannot finish it; the real one still can.
    expect(
      await refusal(t.client().trpc.auth.providers.callback.mutate({ provider: 'corp', search })),
    ).toMatchObject({ reason: 'IDP_STATE_INVALID', httpStatus: 400 });
    // Mix-up: the answer to corp's request, delivered as another provider's.
    expect(
      await refusal(browser.trpc.auth.providers.callback.mutate({ provider: 'partner', search })),
    ).toMatchObject({ reason: 'IDP_STATE_INVALID' });
    const params = new URLSearchParams(search);
    const noState = new URLSearchParams(params);
    noState.delete('state');
    expect(
      await refusal(
        browser.trpc.auth.providers.callback.mutate({
          provider: 'corp',
          search: `?${noState.toString()}`,
        }),
      ),
    ).toMatchObject({ reason: 'IDP_STATE_INVALID' });
    const altered = new URLSearchParams(params);
    const original = params.get('state') ?? '';
    altered.set('state', `${original.slice(0, 42)}${original.endsWith('A') ? 'B' : 'A'}`);
    expect(
      await refusal(
        browser.trpc.auth.providers.callback.mutate({
          provider: 'corp',
          search: `?${altered.toString()}`,
        }),
      ),
    ).toMatchObject({ reason: 'IDP_STATE_INVALID' });
    expect(
      (await browser.trpc.auth.providers.callback.mutate({ provider: 'corp', search })).status,
    ).toBe('signed_in');
    // Replayed (the code with it): the state works once.
    expect(
      await refusal(browser.trpc.auth.providers.callback.mutate({ provider: 'corp', search })),
    ).toMatchObject({ reason: 'IDP_STATE_INVALID' });
  });

  it('refuses forged ID tokens: nonce, audience, iat, expiry, signature, alg none', async () => {
    const cases: [string, Parameters<ForgingProvider['forge']>][] = [
      ['another nonce', [(c) => ({ ...c, nonce: 'not-the-nonce' })]],
      ['another audience', [(c) => ({ ...c, aud: 'someone-else' })]],
      [
        'issued in the future',
        [
          (c) => ({
            ...c,
            iat: Math.floor(Date.now() / 1000) + 3600,
            exp: Math.floor(Date.now() / 1000) + 7200,
          }),
        ],
      ],
      [
        'expired',
        [
          (c) => ({
            ...c,
            iat: Math.floor(Date.now() / 1000) - 7200,
            exp: Math.floor(Date.now() / 1000) - 3600,
          }),
        ],
      ],
      ['another issuer', [(c) => ({ ...c, iss: 'http://127.0.0.1:1' })]],
      ['a foreign key', [(c) => c, { foreignKey: true }]],
      ['alg none', [(c) => c, { algNone: true }]],
    ];
    for (const [name, args] of cases) {
      forging.forge(...args);
      const browser = t.client();
      const search = await through(browser, 'forge');
      const refused = await refusal(
        browser.trpc.auth.providers.callback.mutate({ provider: 'forge', search }),
      );
      expect(refused, name).toMatchObject({ reason: 'IDP_RESPONSE_INVALID', httpStatus: 400 });
    }
    expect(await userByEmail(`forged-${kind}@example.com`)).toBeUndefined();
    // The honest token passes.
    forging.forge((c) => c);
    const browser = t.client();
    const ok = await browser.trpc.auth.providers.callback.mutate({
      provider: 'forge',
      search: await through(browser, 'forge'),
    });
    expect(ok.status).toBe('signed_in');
  });

  it('keeps returnTo on the frontend (no open redirect) and enforces allowed domains', async () => {
    op.signInAs('newcomer');
    for (const [given, expected] of [
      ['https://evil.example/', '/'],
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['/settings?tab=keys', '/settings?tab=keys'],
    ] as const) {
      const browser = t.client();
      const search = await through(browser, 'corp', given);
      const r = await browser.trpc.auth.providers.callback.mutate({ provider: 'corp', search });
      expect(r.returnTo, given).toBe(expected);
    }
    const browser = t.client();
    expect(
      await refusal(
        browser.trpc.auth.providers.callback.mutate({
          provider: 'partner',
          search: await through(browser, 'partner'),
        }),
      ),
    ).toMatchObject({ reason: 'IDP_EMAIL_DOMAIN_REFUSED', httpStatus: 403 });
  });

  it('GitHub preset: signs in by the verified primary email only', async () => {
    gh.setUser({
      id: 4242,
      name: 'Octo Cat',
      emails: [{ email: `octo-${kind}@example.com`, primary: true, verified: true }],
    });
    const browser = t.client();
    const r = await browser.trpc.auth.providers.callback.mutate({
      provider: 'gh',
      search: await through(browser, 'gh'),
    });
    expect(r.status).toBe('signed_in');
    expect((await browser.trpc.auth.me.query()).user.email).toBe(`octo-${kind}@example.com`);
    gh.setUser({
      id: 4343,
      name: 'Unverified',
      emails: [{ email: `octo-unverified-${kind}@example.com`, primary: true, verified: false }],
    });
    const other = t.client();
    expect(
      await refusal(
        other.trpc.auth.providers.callback.mutate({
          provider: 'gh',
          search: await through(other, 'gh'),
        }),
      ),
    ).toMatchObject({ reason: 'IDP_EMAIL_UNVERIFIED' });
  });

  it('links from settings (step-up), refuses taken identities, keeps the last way in', async () => {
    const user = await t.signIn(`settings-${kind}@example.com`);
    const key = await user.trpc.apiKeys.create.mutate({
      name: 'k',
      scopes: ['self:write'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const keyClient = createTestClient(t.url, { headers: { authorization: `Bearer ${key.key}` } });
    expect(
      await refusal(keyClient.trpc.account.identities.startLink.mutate({ provider: 'corp' })),
    ).toMatchObject({ reason: 'SESSION_REQUIRED' });
    op.signInAs('linker');
    const { authorizationUrl } = await user.trpc.account.identities.startLink.mutate({
      provider: 'corp',
    });
    const linked = await user.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await walkRedirects(authorizationUrl, REDIRECT),
    });
    expect(linked.status).toBe('linked');
    // The same identity cannot be linked to a second account.
    const second = await t.signIn(`settings-second-${kind}@example.com`);
    const start2 = await second.trpc.account.identities.startLink.mutate({ provider: 'corp' });
    expect(
      await refusal(
        second.trpc.auth.providers.callback.mutate({
          provider: 'corp',
          search: await walkRedirects(start2.authorizationUrl, REDIRECT),
        }),
      ),
    ).toMatchObject({ reason: 'IDENTITY_ALREADY_LINKED', httpStatus: 409 });
    const [identity] = (await user.trpc.account.identities.list.query()).identities;
    if (!identity) throw new Error('no identity');
    // The account has a password, so the identity may go.
    await user.trpc.account.identities.unlink.mutate({ id: identity.id });
    expect((await user.trpc.account.identities.list.query()).identities).toEqual([]);

    // A provider-only account keeps its last identity.
    op.signInAs('newcomer');
    const onlyVia = t.client();
    await onlyVia.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(onlyVia, 'corp'),
    });
    const [only] = (await onlyVia.trpc.account.identities.list.query()).identities;
    if (!only) throw new Error('no identity');
    expect(
      await refusal(onlyVia.trpc.account.identities.unlink.mutate({ id: only.id })),
    ).toMatchObject({ reason: 'LAST_SIGN_IN_METHOD', httpStatus: 409 });
  });

  it('erasure removes linked identities; the identity can then sign up afresh', async () => {
    op.signInAs('newcomer');
    const browser = t.client();
    const first = await browser.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(browser, 'corp'),
    });
    if (first.status !== 'signed_in') throw new Error('expected a session');
    const admin = await t.signIn(`idp-eraser-${kind}@example.com`, { admin: true });
    await admin.trpc.admin.users.delete.mutate({ id: first.user.id, immediately: true });
    const left = await t.db
      .selectFrom('user_identities')
      .select('id')
      .where('user_id', '=', first.user.id)
      .execute();
    expect(left).toEqual([]);
    const again = t.client();
    const fresh = await again.trpc.auth.providers.callback.mutate({
      provider: 'corp',
      search: await through(again, 'corp'),
    });
    if (fresh.status !== 'signed_in') throw new Error('expected a session');
    expect(fresh.user.id).not.toBe(first.user.id);
  });
});
