import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontendServer, type FrontendServer } from '../support/frontend-server';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { IN_CI } from '../support/test-env';
import { useTestApp } from '../support/use-test-app';

const CHROMIUM = '/usr/bin/chromium';

/** The page's WebAuthn globals, typed here (the test package has no DOM library). */
interface PageWebAuthn {
  navigator: {
    credentials: {
      create(o: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
      get(o: { publicKey: unknown }): Promise<{ toJSON(): unknown } | null>;
    };
  };
  PublicKeyCredential: {
    parseCreationOptionsFromJSON(options: unknown): unknown;
    parseRequestOptionsFromJSON(options: unknown): unknown;
  };
}
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'];

/**
 * Passkeys from a real browser: Chromium's DevTools virtual authenticator (CTAP2, internal,
 * resident keys, user verification) on a page served at http://localhost (a secure context,
 * so WebAuthn works; the RP ID and origin are the defaults taken from PUBLIC_URL). The page
 * runs the code of docs/sign-in-methods.md#passkeys: the browser's own JSON helpers and
 * plain tRPC-over-HTTP calls. Skipped where Chromium is missing, except in CI.
 */
describe.runIf(existsSync(CHROMIUM) || IN_CI)('passkeys in a real browser', () => {
  let frontend: FrontendServer;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium"`);
    frontend = await startFrontendServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await frontend?.close();
  });
  const t = useTestApp(() => ({
    env: { PUBLIC_URL: frontend.origin, CORS_ORIGINS: frontend.origin },
  }));
  beforeAll(() => frontend.proxyTo(t.url));

  /** Runs in the page: a tRPC mutation or query over plain HTTP, as any frontend can. */
  const call = (page: Page, path: string, input?: unknown, query = false): Promise<unknown> =>
    page.evaluate(
      async ({ path, input, query }) => {
        const search =
          query && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
        const url = `/trpc/${path}${search}`;
        const res = await fetch(
          url,
          query
            ? {}
            : {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                ...(input === undefined ? {} : { body: JSON.stringify(input) }),
              },
        );
        const body = (await res.json()) as {
          result?: { data?: unknown };
          error?: { data?: { reason?: string } };
        };
        if (body.error) throw new Error(body.error.data?.reason ?? 'error');
        return body.result?.data;
      },
      { path, input, query },
    );

  it('registers a passkey and signs in with it, usernameless', async () => {
    await t.signIn('browser-passkey@example.com');
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${frontend.origin}/`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await call(page, 'auth.signIn', {
      email: 'browser-passkey@example.com',
      password: TEST_PASSWORD,
    });
    const options = await call(page, 'account.passkeys.registrationOptions');
    const registered = await page.evaluate(async (optionsJSON) => {
      const w = globalThis as unknown as PageWebAuthn;
      const credential = await w.navigator.credentials.create({
        publicKey: w.PublicKeyCredential.parseCreationOptionsFromJSON(optionsJSON),
      });
      if (!credential) return null;
      const res = await fetch('/trpc/account.passkeys.register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response: credential.toJSON(), name: 'Chromium' }),
      });
      return res.json();
    }, options);
    expect(registered).toMatchObject({ result: { data: { name: 'Chromium' } } });

    // Signed out, with no username typed: the resident credential signs in.
    await context.clearCookies();
    const signInOptions = await call(page, 'auth.passkey.options');
    const signedIn = await page.evaluate(async (optionsJSON) => {
      const w = globalThis as unknown as PageWebAuthn;
      const credential = await w.navigator.credentials.get({
        publicKey: w.PublicKeyCredential.parseRequestOptionsFromJSON(optionsJSON),
      });
      if (!credential) return null;
      const res = await fetch('/trpc/auth.passkey.signIn', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response: credential.toJSON() }),
      });
      return res.json();
    }, signInOptions);
    expect(signedIn).toMatchObject({ result: { data: { status: 'signed_in' } } });
    const me = (await call(page, 'auth.me', undefined, true)) as {
      user: { email: string };
      session: { authMethod: string; authLevel: string };
    };
    expect(me.user.email).toBe('browser-passkey@example.com');
    expect(me.session).toMatchObject({ authMethod: 'passkey', authLevel: 'mfa' });
    await context.close();
  }, 60_000);
});
