import { describe, expect, it } from 'vitest';
import { createCsrfGuard } from '../../src/http/csrf';
import { fakeRequest } from './fake-request';

const LISTED = 'https://app.example.com';
const guard = createCsrfGuard({ allowlist: [LISTED, '*'], publicUrl: undefined });
const cookie = 'gatehouse_session=fake.token';

function post(headers: Record<string, string>): ReturnType<typeof guard> {
  return guard(
    fakeRequest({ method: 'POST', headers: { host: 'api.example.com', ...headers } }),
    true,
  );
}

describe('CSRF guard (cookie-authenticated, non-query requests)', () => {
  it('refuses a foreign Origin', () => {
    expect(post({ cookie, origin: 'https://evil.example' })).toBe('CSRF_REJECTED');
  });
  it('refuses Origin: null, a missing Origin and an empty one', () => {
    expect(post({ cookie, origin: 'null' })).toBe('CSRF_REJECTED');
    expect(post({ cookie })).toBe('CSRF_REJECTED');
    expect(post({ cookie, origin: '' })).toBe('CSRF_REJECTED');
  });
  it('never treats "*" in CORS_ORIGINS as a listed origin', () => {
    expect(post({ cookie, origin: 'https://anything.example' })).toBe('CSRF_REJECTED');
  });
  it('accepts a listed Origin, even when the browser says cross-site', () => {
    expect(post({ cookie, origin: LISTED, 'sec-fetch-site': 'cross-site' })).toBeUndefined();
  });
  it('accepts its own origin unless Sec-Fetch-Site says cross-site or same-site', () => {
    expect(
      post({ cookie, origin: 'https://api.example.com', 'sec-fetch-site': 'same-origin' }),
    ).toBeUndefined();
    expect(post({ cookie, origin: 'https://api.example.com' })).toBeUndefined();
    expect(post({ cookie, origin: 'https://api.example.com', 'sec-fetch-site': 'same-site' })).toBe(
      'CSRF_REJECTED',
    );
    expect(
      post({ cookie, origin: 'https://api.example.com', 'sec-fetch-site': 'cross-site' }),
    ).toBe('CSRF_REJECTED');
    // Scheme matters: http:// is another origin than the HTTPS server's.
    expect(post({ cookie, origin: 'http://api.example.com' })).toBe('CSRF_REJECTED');
  });
  it('uses PUBLIC_URL as the own origin when set, not the Host header', () => {
    const fixed = createCsrfGuard({
      allowlist: [],
      publicUrl: 'https://gatehouse.example.com/base',
    });
    const req = (origin: string, host: string) =>
      fakeRequest({ method: 'POST', headers: { cookie, origin, host } });
    expect(fixed(req('https://gatehouse.example.com', 'internal:3000'), false)).toBeUndefined();
    expect(fixed(req('https://evil.example', 'evil.example'), true)).toBe('CSRF_REJECTED');
  });
  it('checks the __Host- cookie too', () => {
    expect(post({ cookie: '__Host-gatehouse_session=x.y', origin: 'https://evil.example' })).toBe(
      'CSRF_REJECTED',
    );
  });
  it('exempts cookieless, bearer/API-key and safe requests; not ambient Authorization', () => {
    expect(post({ origin: 'https://evil.example', cookie: 'other=1' })).toBeUndefined();
    expect(
      post({ cookie, origin: 'https://evil.example', authorization: 'Bearer gh_key' }),
    ).toBeUndefined();
    expect(post({ cookie, origin: 'https://evil.example', 'x-api-key': 'gh_key' })).toBeUndefined();
    // Schemes a browser attaches by itself (Basic, Digest, Negotiate) exempt nothing.
    for (const authorization of [
      'Basic c3RhZ2luZzpnYXRl',
      'Digest username="u"',
      'Negotiate YIIG',
      'NTLM TlRMTVNT',
    ]) {
      expect(post({ cookie, origin: 'https://evil.example', authorization }), authorization).toBe(
        'CSRF_REJECTED',
      );
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(
        guard(fakeRequest({ method, headers: { cookie, origin: 'https://evil.example' } }), true),
      ).toBeUndefined();
    }
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      expect(
        guard(fakeRequest({ method, headers: { cookie, origin: 'https://evil.example' } }), true),
      ).toBe('CSRF_REJECTED');
    }
  });
});
