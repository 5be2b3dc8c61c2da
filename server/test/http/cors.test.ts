import { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createCors } from '../../src/http/cors';
import { fakeRequest } from './fake-request';

function response(): ServerResponse {
  return new ServerResponse(fakeRequest({}));
}

describe('CORS', () => {
  const cors = createCors(['https://app.example.com']);

  it('allows credentials only for a listed origin, echoed exactly', () => {
    const res = response();
    cors.apply(fakeRequest({ headers: { origin: 'https://app.example.com' } }), res);
    expect(res.getHeader('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.getHeader('access-control-allow-credentials')).toBe('true');
    expect(res.getHeader('vary')).toBe('Origin');
  });

  it('sets no CORS headers for an unlisted origin (prefix tricks too); Vary: Origin', () => {
    for (const origin of [
      'https://evil.example',
      'https://app.example.com.evil.example',
      'http://app.example.com',
      'null',
    ]) {
      const res = response();
      cors.apply(fakeRequest({ headers: { origin } }), res);
      expect(res.getHeader('access-control-allow-origin')).toBeUndefined();
      expect(res.getHeader('access-control-allow-credentials')).toBeUndefined();
      expect(res.getHeader('vary')).toBe('Origin');
    }
    const none = response();
    cors.apply(fakeRequest({}), none);
    expect(none.getHeader('vary')).toBe('Origin');
  });

  it('never combines "*" with credentials', () => {
    const wild = createCors(['*', 'https://app.example.com']);
    const res = response();
    wild.apply(fakeRequest({ headers: { origin: 'https://random.example' } }), res);
    expect(res.getHeader('access-control-allow-origin')).toBe('*');
    expect(res.getHeader('access-control-allow-credentials')).toBeUndefined();
    const listed = response();
    wild.apply(fakeRequest({ headers: { origin: 'https://app.example.com' } }), listed);
    expect(listed.getHeader('access-control-allow-origin')).toBe('https://app.example.com');
    expect(listed.getHeader('access-control-allow-credentials')).toBe('true');
  });

  it('answers a listed preflight with methods, headers and a cache lifetime', () => {
    const req = fakeRequest({
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(cors.isPreflight(req)).toBe(true);
    const res = response();
    expect(cors.answerPreflight(req, res)).toBe('allowed');
    expect(res.getHeader('access-control-allow-methods')).toBe('GET, POST');
    expect(String(res.getHeader('access-control-allow-headers')).split(', ')).toEqual(
      expect.arrayContaining([
        'content-type',
        'authorization',
        'x-api-key',
        'x-request-id',
        'idempotency-key',
        'trpc-accept',
      ]),
    );
    expect(Number(res.getHeader('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('refuses an unlisted preflight with no CORS headers at all', () => {
    const req = fakeRequest({
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    const res = response();
    expect(cors.answerPreflight(req, res)).toBe('refused');
    expect(Object.keys(res.getHeaders()).filter((h) => h.startsWith('access-control-'))).toEqual(
      [],
    );
  });
});
