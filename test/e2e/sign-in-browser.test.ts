import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontendServer, type FrontendServer } from '../support/frontend-server';
import { tokenFromMail } from '../support/mail-capture';
import { startOidcTestProvider, type OidcTestProvider } from '../support/oidc-test-provider';
import { IN_CI } from '../support/test-env';
import { useTestApp } from '../support/use-test-app';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'];
const SECRET = 'a client secret of the test provider, long enough';

// Chromium is Debian's package: .ci/run installs it, and under CI=true this file always runs
// (failing with install instructions if the browser is missing); a machine with only Node and
// npm skips it, as the README's test command must pass there.
describe.runIf(existsSync(CHROMIUM) || IN_CI)('sign-in from a real browser page', () => {
  let frontend: FrontendServer;
  let op: OidcTestProvider;
  let browser: Browser;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium"`);
    frontend = await startFrontendServer();
    op = await startOidcTestProvider({
      clientId: 'gatehouse',
      clientSecret: SECRET,
      redirectUri: `${frontend.origin}/auth/callback/corp`,
      accounts: { pat: { email: 'pat.browser@example.com', email_verified: true } },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([frontend?.close(), op?.close()]);
  });
  const t = useTestApp(() => ({
    env: {
      PUBLIC_URL: frontend.origin,
      CORS_ORIGINS: frontend.origin,
      CORP_SECRET: SECRET,
      IDENTITY_PROVIDERS: JSON.stringify([
        {
          id: 'corp',
          type: 'oidc',
          issuer: op.issuer,
          clientId: 'gatehouse',
          clientSecretEnv: 'CORP_SECRET',
        },
      ]),
    },
  }));
  beforeAll(() => frontend.proxyTo(t.url));

  const resultOf = async (page: Page): Promise<Record<string, unknown>> => {
    const el = page.locator('#result');
    await expect.poll(async () => (await el.textContent()) ?? '', { timeout: 15_000 }).not.toBe('');
    return JSON.parse((await el.textContent()) ?? '{}') as Record<string, unknown>;
  };
  const open = async (path = '/'): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(`${frontend.origin}${path}`);
    return page;
  };

  it('signs in through the OpenID provider: redirect, callback page, session cookie', async () => {
    const page = await open();
    expect(await resultOf(page)).toEqual({ ready: true });
    await page.evaluate(() =>
      (globalThis as unknown as { page: { signInWith(p: string): Promise<void> } }).page.signInWith(
        'corp',
      ),
    );
    await page.waitForURL(/\/auth\/callback\/corp\?/, { timeout: 15_000 });
    expect(await resultOf(page)).toMatchObject({ status: 'signed_in', returnTo: '/signed-in' });
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'gatehouse_session')?.httpOnly).toBe(true);
    await page.evaluate(() =>
      (globalThis as unknown as { page: { me(): Promise<void> } }).page.me(),
    );
    await expect
      .poll(async () => page.locator('#result').textContent())
      .toContain('pat.browser@example.com');
    expect(await resultOf(page)).toEqual({
      email: 'pat.browser@example.com',
      authMethod: 'idp:corp',
    });
    expect(pageErrors).toEqual([]);
  });

  it('signs in by a mailed link in the asking browser; another one must confirm', async () => {
    await t.signIn('link.browser@example.com');
    const page = await open();
    await resultOf(page);
    const seen = t.mail?.messages.length ?? 0;
    await page.evaluate(() =>
      (
        globalThis as unknown as { page: { requestLink(e: string): Promise<void> } }
      ).page.requestLink('link.browser@example.com'),
    );
    await expect
      .poll(() =>
        (t.mail?.messages ?? [])
          .slice(seen)
          .some((m) => m.to === 'link.browser@example.com' && /sign-in link/.test(m.subject)),
      )
      .toBe(true);
    const mail = (t.mail?.messages ?? [])
      .slice(seen)
      .find((m) => m.to === 'link.browser@example.com' && /sign-in link/.test(m.subject));
    if (!mail) throw new Error('no mail');
    const link = /(http:\/\/localhost:\d+\/sign-in-link\?token=[A-Za-z0-9_-]{43})/.exec(mail.text);
    expect(link?.[1]).toBeDefined();
    // Opened in another browser first: it is asked, nothing is used up.
    const elsewhere = await open(
      new URL(link?.[1] ?? '').pathname + `?token=${tokenFromMail(mail)}`,
    );
    expect(await resultOf(elsewhere)).toEqual({
      status: 'confirmation_required',
      email: 'link.browser@example.com',
    });
    // Opened in the browser that asked: signed in.
    await page.goto(link?.[1] ?? '');
    expect(await resultOf(page)).toMatchObject({ status: 'signed_in' });
    await page.evaluate(() =>
      (globalThis as unknown as { page: { me(): Promise<void> } }).page.me(),
    );
    await expect.poll(async () => page.locator('#result').textContent()).toContain('email_link');
    expect(pageErrors).toEqual([]);
  });

  it('registers a passkey and signs in with it through the SDK helpers', async () => {
    await t.signIn('passkey.sdk@example.com');
    const page = await open();
    await resultOf(page);
    const cdp = await page.context().newCDPSession(page);
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
    type PageApi = {
      page: {
        signInWithPassword(e: string, p: string): Promise<void>;
        registerPasskey(n: string): Promise<void>;
        signInWithPasskey(): Promise<void>;
        me(): Promise<void>;
      };
    };
    await page.evaluate(
      ([email, password]) =>
        (globalThis as unknown as PageApi).page.signInWithPassword(email ?? '', password ?? ''),
      ['passkey.sdk@example.com', 'a long enough test passphrase'],
    );
    await expect.poll(async () => page.locator('#result').textContent()).toContain('signed_in');
    await page.evaluate(() => (globalThis as unknown as PageApi).page.registerPasskey('Chromium'));
    await expect.poll(async () => page.locator('#result').textContent()).toContain('"Chromium"');
    await page.context().clearCookies();
    await page.evaluate(() => (globalThis as unknown as PageApi).page.signInWithPasskey());
    await expect.poll(async () => page.locator('#result').textContent()).toContain('signed_in');
    await page.evaluate(() => (globalThis as unknown as PageApi).page.me());
    await expect.poll(async () => page.locator('#result').textContent()).toContain('"passkey"');
    expect(pageErrors).toEqual([]);
  });
});
