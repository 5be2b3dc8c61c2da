import { describe, expect, it } from 'vitest';
import { createClientCredentialsTokenSource } from '../src/client-credentials-token-source';
import { parseRetryAfter } from '../src/parse-retry-after';
import { backoffDelay } from '../src/retry-policy';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };
  it('doubles per retry between half and all of the step, capped at maxMs', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });
});

describe('client credentials token source', () => {
  it('refreshes 60 s before expiry, not earlier', async () => {
    let clock = 0;
    let issued = 0;
    const fetch: typeof globalThis.fetch = async () => {
      issued++;
      return new Response(
        JSON.stringify({ access_token: `t${issued}`, token_type: 'bearer', expires_in: 900 }),
        { headers: { 'content-type': 'application/json' } },
      );
    };
    const source = createClientCredentialsTokenSource({
      credentials: { clientId: 'id', clientSecret: 's' },
      url: 'https://api.example.com/base',
      fetch,
      now: () => clock,
    });
    const signal = new AbortController().signal;
    expect(await source.token(signal)).toBe('t1');
    clock = 839_000;
    expect(await source.token(signal)).toBe('t1');
    clock = 840_000;
    expect(await source.token(signal)).toBe('t2');
    expect(issued).toBe(2);
  });

  it('refuses an answer that is not a bearer token', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(JSON.stringify({ access_token: 'x', token_type: 'mac', expires_in: 60 }));
    const source = createClientCredentialsTokenSource({
      credentials: { clientId: 'id', clientSecret: 's' },
      url: 'https://api.example.com',
      fetch,
    });
    await expect(source.token(new AbortController().signal)).rejects.toMatchObject({
      reason: 'TOKEN_INVALID',
    });
  });
});
