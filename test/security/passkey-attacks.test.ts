import { describe, expect, it } from 'vitest';
import {
  addPasskey,
  createSoftAuthenticator,
  PAGE,
  PASSKEY_ENV,
  type SoftAuthenticator,
} from '../support/soft-authenticator';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal, type TestClient } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

/**
 * Attacks on passkeys (WebAuthn), each against the real server with a software authenticator
 * that lies on purpose: a phishing origin, another RP ID, a replayed challenge, a cloned
 * authenticator's counter, no user verification, a challenge carried to another browser or
 * session, a forged signature.
 */
describe.each(DATABASE_KINDS)('passkey attacks (%s)', (kind) => {
  const t = useTestApp({ kind, env: PASSKEY_ENV });
  let n = 0;
  const victim = async (): Promise<{
    user: TestClient & { userId: string };
    authenticator: SoftAuthenticator;
    passkeyId: string;
  }> => {
    n += 1;
    const user = await t.signIn(`passkey-attack-${n}@example.com`);
    const authenticator = createSoftAuthenticator(PAGE);
    const { id } = await addPasskey(user, authenticator);
    return { user, authenticator, passkeyId: id };
  };
  const refused = { reason: 'INVALID_CREDENTIALS', httpStatus: 401 };

  it('refuses an answer from another origin (a phishing page), signing in or adding', async () => {
    const { user, authenticator } = await victim();
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    const phished = authenticator.assert(options, { origin: 'https://gatehouse.example.evil' });
    expect(
      await refusal(browser.trpc.auth.passkey.signIn.mutate({ response: phished })),
    ).toMatchObject(refused);
    expect((await refusal(browser.trpc.auth.me.query())).httpStatus).toBe(401);
    const reg = await user.trpc.account.passkeys.registrationOptions.mutate();
    expect(
      await refusal(
        user.trpc.account.passkeys.register.mutate({
          response: createSoftAuthenticator(PAGE).register(reg, { origin: 'http://127.0.0.1:1' }),
        }),
      ),
    ).toMatchObject(refused);
  });

  it('refuses a credential scoped to another RP ID', async () => {
    const { user, authenticator } = await victim();
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({
          response: authenticator.assert(options, { rpId: 'evil.localhost' }),
        }),
      ),
    ).toMatchObject(refused);
    const reg = await user.trpc.account.passkeys.registrationOptions.mutate();
    expect(
      await refusal(
        user.trpc.account.passkeys.register.mutate({
          response: createSoftAuthenticator(PAGE).register(reg, { rpId: 'example.com' }),
        }),
      ),
    ).toMatchObject(refused);
    expect((await user.trpc.account.passkeys.list.query()).passkeys).toHaveLength(1);
  });

  it('takes each challenge once: a replay, or a second answer to it, is refused', async () => {
    const { authenticator } = await victim();
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    const answer = authenticator.assert(options);
    expect((await browser.trpc.auth.passkey.signIn.mutate({ response: answer })).status).toBe(
      'signed_in',
    );
    expect(
      await refusal(browser.trpc.auth.passkey.signIn.mutate({ response: answer })),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    // A fresh, correctly signed answer to the used challenge: refused too.
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({ response: authenticator.assert(options) }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    // A failed answer spends its challenge as well.
    const second = await browser.trpc.auth.passkey.options.mutate();
    await refusal(
      browser.trpc.auth.passkey.signIn.mutate({
        response: authenticator.assert(second, { origin: 'https://evil.example' }),
      }),
    );
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({ response: authenticator.assert(second) }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('refuses and audits a cloned authenticator (its counter does not increase)', async () => {
    const { user, authenticator, passkeyId } = await victim();
    const genuine = createTestClient(t.url);
    const first = await genuine.trpc.auth.passkey.options.mutate();
    await genuine.trpc.auth.passkey.signIn.mutate({ response: authenticator.assert(first) });
    const credential = authenticator.credentials[0];
    if (!credential) throw new Error('no credential');
    // The clone holds the same key but reports a counter already seen (1), or none (0).
    for (const counter of [1, 0]) {
      const clone = createTestClient(t.url);
      const options = await clone.trpc.auth.passkey.options.mutate();
      expect(
        await refusal(
          clone.trpc.auth.passkey.signIn.mutate({
            response: authenticator.assert(options, { counter }),
          }),
        ),
      ).toMatchObject(refused);
    }
    const rows = await t.db
      .selectFrom('audit_events')
      .select(['outcome', 'details', 'target_id'])
      .where('action', '=', 'auth.sign_in')
      .where('target_id', '=', user.userId)
      .where('outcome', '=', 'failure')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.details)).toEqual([
      expect.objectContaining({
        method: 'passkey',
        cause: 'counter_not_increased',
        authenticator: passkeyId,
      }),
      expect.objectContaining({
        method: 'passkey',
        cause: 'counter_not_increased',
        authenticator: passkeyId,
      }),
    ]);
    // The stored counter did not move back; the genuine authenticator goes on working.
    const row = await t.db
      .selectFrom('passkeys')
      .select('counter')
      .where('id', '=', passkeyId)
      .executeTakeFirstOrThrow();
    expect(Number(row.counter)).toBe(1);
    const next = await genuine.trpc.auth.passkey.options.mutate();
    expect(
      (await genuine.trpc.auth.passkey.signIn.mutate({ response: authenticator.assert(next) }))
        .status,
    ).toBe('signed_in');
  });

  it('requires user verification, at sign-in and registration', async () => {
    const { user, authenticator } = await victim();
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({
          response: authenticator.assert(options, { userVerified: false }),
        }),
      ),
    ).toMatchObject(refused);
    const reg = await user.trpc.account.passkeys.registrationOptions.mutate();
    expect(
      await refusal(
        user.trpc.account.passkeys.register.mutate({
          response: createSoftAuthenticator(PAGE).register(reg, { userVerified: false }),
        }),
      ),
    ).toMatchObject(refused);
  });

  it('refuses a challenge carried to another browser or another session', async () => {
    const { user, authenticator } = await victim();
    const asking = createTestClient(t.url);
    const options = await asking.trpc.auth.passkey.options.mutate();
    const elsewhere = createTestClient(t.url);
    expect(
      await refusal(
        elsewhere.trpc.auth.passkey.signIn.mutate({ response: authenticator.assert(options) }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    expect((await refusal(elsewhere.trpc.auth.me.query())).httpStatus).toBe(401);
    // A registration challenge of one session, answered in another session of the account.
    const reg = await user.trpc.account.passkeys.registrationOptions.mutate();
    const other = createTestClient(t.url);
    await other.trpc.auth.passkey.signIn.mutate({
      response: authenticator.assert(await other.trpc.auth.passkey.options.mutate()),
    });
    expect(
      await refusal(
        other.trpc.account.passkeys.register.mutate({
          response: createSoftAuthenticator(PAGE).register(reg),
        }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    // A step-up challenge answered with another account's passkey.
    const mallory = await victim();
    const stepUp = await user.trpc.account.passkeys.reauthenticationOptions.mutate();
    expect(
      await refusal(
        user.trpc.auth.reauthenticate.mutate({ passkey: mallory.authenticator.assert(stepUp) }),
      ),
    ).toMatchObject(refused);
  });

  it('refuses a forged signature and an unknown credential', async () => {
    const { authenticator } = await victim();
    const browser = createTestClient(t.url);
    const options = await browser.trpc.auth.passkey.options.mutate();
    const answer = authenticator.assert(options);
    const sig = Buffer.from(answer.response.signature, 'base64url');
    sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01;
    expect(
      await refusal(
        browser.trpc.auth.passkey.signIn.mutate({
          response: {
            ...answer,
            response: { ...answer.response, signature: sig.toString('base64url') },
          },
        }),
      ),
    ).toMatchObject(refused);
    const stranger = createSoftAuthenticator(PAGE);
    stranger.register(await fakeRegistrationOptions());
    const again = await browser.trpc.auth.passkey.options.mutate();
    expect(
      await refusal(browser.trpc.auth.passkey.signIn.mutate({ response: stranger.assert(again) })),
    ).toMatchObject(refused);
  });
});

/** Options for a credential the server never registered. */
async function fakeRegistrationOptions(): Promise<Parameters<SoftAuthenticator['register']>[0]> {
  return {
    challenge: 'x'.repeat(43),
    rp: { name: 'Gatehouse', id: PAGE.rpId },
    user: { id: Buffer.from('nobody').toString('base64url'), name: 'nobody', displayName: '' },
    pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
  };
}
