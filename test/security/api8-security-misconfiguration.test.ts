// OWASP API8:2023 Security Misconfiguration — headers, CORS, error detail, production refusals.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';

describe('API8 security misconfiguration', () => {
  const t = useTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });

  it('answers API calls with headers for a JSON API, no server banner, no caching', async () => {
    const res = await fetch(`${t.url}/trpc/system.version`);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('server')).toBeNull();
  });

  it('gives an unlisted origin no CORS grant, and a listed one credentials', async () => {
    const evil = await fetch(`${t.url}/trpc/auth.me`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    const good = await fetch(`${t.url}/trpc/auth.me`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(good.headers.get('access-control-allow-credentials')).toBe('true');
    expect(good.headers.get('vary')).toMatch(/origin/i);
  });

  it('never shows SQL, stacks or driver messages to a caller outside development', async () => {
    const user = await signInUser(t.url, 'api8@example.com');
    const input = encodeURIComponent(JSON.stringify({ orgId: "x' or 1=1 --", id: 'y' }));
    const res = await user.jar.fetch(`${t.url}/trpc/projects.get?input=${input}`);
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toMatch(/select |syntax|postgres|at \w+ \(|node_modules/i);
  });

  it('refuses to start in production with unsafe settings, naming each', () => {
    const r = loadConfig({ GATEHOUSE_ENV: 'production', CORS_ORIGINS: '*' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThanOrEqual(4);
  });
});
