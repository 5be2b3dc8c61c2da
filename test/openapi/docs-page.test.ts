import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { IN_CI } from '../support/test-env';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-server';
import { useTestApp } from '../support/use-test-app';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('GET /docs', () => {
  const t = useTestApp();

  it('serves the page and its assets itself, with a CSP relaxed for them alone', async () => {
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    for (const src of [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1])) {
      const asset = await fetch(`${t.url}${src}`);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-security-policy'), src).toBe(csp);
    }
    // The API keeps its own, strict policy.
    const api = await fetch(`${t.url}/trpc/system.version`);
    expect(api.headers.get('content-security-policy')).not.toBe(csp);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Only the listed assets are served: no path into the package directory.
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/../package.json',
      '/docs/assets/index.html',
    ]) {
      expect((await fetch(`${t.url}${path}`)).status, path).toBe(404);
    }
  });

  // Chromium is Debian's package: .ci/run installs it, and under CI=true this test always runs
  // (failing with install instructions if the browser is missing). A fresh machine with only
  // Node and npm skips this one test, as the README's test command must pass there.
  it.runIf(existsSync(CHROMIUM) || IN_CI)(
    'renders in headless Chromium with no console errors (screenshots: test/artifacts/docs*.png)',
    async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `${CHROMIUM} is missing: this test drives Debian's Chromium. Install it with "sudo ` +
            `apt-get update && sudo apt-get install -y chromium" (.ci/run does this in CI).`,
        );
      }
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        const errors: string[] = [];
        const foreign: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => {
          if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) foreign.push(r.url());
        });
        await page.goto(`${t.url}/docs`, { waitUntil: 'networkidle' });
        await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
        // Swagger UI's boxes: the red "Errors" panel (parse and resolver errors, and warnings such
        // as one about jsonSchemaDialect), "Unable to render this definition", and a failed fetch.
        const boxes = await page
          .locator('.errors-wrapper, .version-pragma, .loading-container .info, .error-wrapper')
          .allInnerTexts();
        expect(boxes).toEqual([]);
        const paths = await page.locator('.opblock-summary-path').allInnerTexts();
        expect(paths).toContain('/trpc/system.version');
        expect(paths).toContain('/trpc/auth.signIn');
        for (const plain of ['/oauth/token', '/.well-known/jwks.json', '/healthz', '/readyz'])
          expect(paths).toContain(plain);
        const dir = join(REPO_ROOT, 'test', 'artifacts');
        mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: join(dir, 'docs.png'), fullPage: false });
        // Open one operation so its schemas, security and error responses render too (more room for
        // CSP violations).
        await page.locator('#operations-auth-auth_signIn .opblock-summary').click();
        await page.waitForSelector('#operations-auth-auth_signIn .responses-table', {
          timeout: 15_000,
        });
        expect(
          await page.locator('#operations-auth-auth_signIn .responses-table').innerText(),
        ).toContain('429');
        await page
          .locator('#operations-auth-auth_signIn')
          .screenshot({ path: join(dir, 'docs-operation.png') });
        expect(errors).toEqual([]);
        expect(foreign).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
