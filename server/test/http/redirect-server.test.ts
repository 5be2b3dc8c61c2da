import type { AddressInfo } from 'node:net';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExposedCredential } from '../../src/http/credential-over-plain-http';
import { createRedirectServer } from '../../src/http/redirect-server';
import { testConfig } from '../../../test/support/test-app';

interface ErrorEnvelope {
  error: { data: { reason: string; httpStatus: number } };
}

/** A GET with a Host header of our choosing (fetch does not allow setting it). */
function getWithHost(
  url: string,
  host: string,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('plain-HTTP redirect listener', () => {
  const revoked: ExposedCredential[] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createRedirectServer({
      config: testConfig(),
      log: pino({ level: 'silent' }),
      httpsPort: 8443,
      revoker: (credential) => {
        revoked.push(credential);
        return Promise.resolve();
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('redirects browser pages to HTTPS with 308, keeping path and query', async () => {
    const res = await getWithHost(`${url}/docs?tab=auth`, 'gatehouse.example.com:8080');
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('https://gatehouse.example.com:8443/docs?tab=auth');
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(308);
    expect(root.headers.get('location')).toBe('https://127.0.0.1:8443/');
  });

  it('answers API paths with 403 HTTPS_REQUIRED and no redirect', async () => {
    for (const [method, path] of [
      ['GET', '/trpc/system.version'],
      ['POST', '/trpc/auth.signIn'],
      ['POST', '/oauth/token'],
      ['GET', '/healthz'],
      ['POST', '/docs'],
    ] as const) {
      const res = await fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/json' }, body: '{}' }
          : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('HTTPS_REQUIRED');
    }
  });

  it('refuses an over-long URL with 414 in the status line and the envelope', async () => {
    const res = await fetch(`${url}/docs?q=${'a'.repeat(9000)}`, { redirect: 'manual' });
    expect(res.status).toBe(414);
    expect(((await res.json()) as ErrorEnvelope).error.data).toMatchObject({
      reason: 'URL_TOO_LONG',
      httpStatus: 414,
    });
  });

  it('refuses to build a redirect from a Host header that is not a hostname', async () => {
    for (const host of ['evil.example/@x', 'a b', 'evil.example\\x']) {
      const res = await getWithHost(`${url}/docs`, host);
      expect(res.status, host).toBe(403);
      expect(res.headers.location).toBeUndefined();
    }
  });

  it('hands every credential it sees to the revoker: cookies, bearer tokens, keys', async () => {
    revoked.length = 0;
    const res = await fetch(`${url}/trpc/projects.list`, {
      headers: {
        cookie: 'gatehouse_session=sid.secret; theme=dark; __Host-gatehouse_session=hid.hsecret',
        authorization: 'Bearer gh_live_abc',
        'x-api-key': 'gh_live_def',
      },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('HTTPS_REQUIRED');
    expect(revoked).toEqual([
      { kind: 'session', source: 'cookie:gatehouse_session', value: 'sid.secret' },
      { kind: 'session', source: 'cookie:__Host-gatehouse_session', value: 'hid.hsecret' },
      { kind: 'bearer', source: 'header:authorization', value: 'gh_live_abc' },
      { kind: 'apiKey', source: 'header:x-api-key', value: 'gh_live_def' },
    ]);
    // Also on a redirected page: the token crossed the network all the same.
    revoked.length = 0;
    const page = await fetch(`${url}/docs`, {
      redirect: 'manual',
      headers: { 'x-api-key': 'gh_live_ghi' },
    });
    expect(page.status).toBe(308);
    expect(revoked.map((c) => c.value)).toEqual(['gh_live_ghi']);
    // HTTP Basic (the client-credentials grant's form): both halves are candidates.
    revoked.length = 0;
    await fetch(`${url}/trpc/x`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(revoked.map((c) => [c.source, c.value])).toEqual([
      ['header:authorization:basic', 'user'],
      ['header:authorization:basic', 'pass'],
    ]);
    // Nothing to revoke: the revoker is not called.
    revoked.length = 0;
    await fetch(`${url}/trpc/x`, { headers: { cookie: 'gatehouse_session=' } });
    expect(revoked).toEqual([]);
  });

  it('uses PUBLIC_URL as the redirect target when set', async () => {
    const fixed = createRedirectServer({
      config: testConfig({ PUBLIC_URL: 'https://api.example.com' }),
      log: pino({ level: 'silent' }),
      httpsPort: 8443,
      revoker: undefined,
    });
    await new Promise<void>((resolve) => fixed.listen(0, '127.0.0.1', resolve));
    try {
      const res = await getWithHost(
        `http://127.0.0.1:${(fixed.address() as AddressInfo).port}/docs`,
        'evil.example',
      );
      expect(res.headers.location).toBe('https://api.example.com/docs');
    } finally {
      fixed.closeAllConnections();
      await new Promise((resolve) => fixed.close(resolve));
    }
  });
});
