import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { publicProcedure } from '../../src/pipeline/procedure';
import { router } from '../../src/pipeline/trpc';
import { appRouter } from '../../src/app-router';
import { findPolicyProblems } from '../../src/pipeline/assert-procedure-policies';
import { useTestApp } from '../../../test/support/use-test-app';

interface ErrorEnvelope {
  error: {
    message: string;
    data: { reason: string; httpStatus: number; requestId?: string; stack?: string };
  };
}

describe('HTTP front door', () => {
  const t = useTestApp({ env: { BODY_LIMIT_BYTES: '1024', MAX_BATCH_SIZE: '10' } });

  it('serves /healthz with helmet headers tuned for a JSON API', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('serves a public query end to end with no-store caching', async () => {
    const res = await fetch(`${t.url}/trpc/system.version`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { result: { data: { name: string } } };
    expect(body.result.data.name).toBe('gatehouse');
  });

  it('/readyz answers 200 when the database is reachable and migrated', async () => {
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(200);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await fetch(`${t.url}/trpc/system.version`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorEnvelope;
    expect(body.error.data.reason).toBe('MALFORMED_JSON');
    const get = await fetch(`${t.url}/trpc/system.version?input=${encodeURIComponent('{nope')}`);
    expect(get.status).toBe(400);
    expect(((await get.json()) as ErrorEnvelope).error.data.reason).toBe('MALFORMED_JSON');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE, declared or chunked', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(4096) });
    const res = await fetch(`${t.url}/trpc/system.version`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('PAYLOAD_TOO_LARGE');
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 8; i++) c.enqueue(new TextEncoder().encode('a'.repeat(512)));
        c.close();
      },
    });
    const chunked = await fetch(`${t.url}/trpc/system.version`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'a=1'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    ],
    ['text/plain', '{}'],
  ])('refuses a %s mutation with 415 UNSUPPORTED_MEDIA_TYPE', async (type, body) => {
    const res = await fetch(`${t.url}/trpc/system.version`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a batch over the limit: 400 BATCH_TOO_LARGE, counting calls', async () => {
    const paths = Array.from({ length: 11 }, () => 'system.version').join(',');
    const res = await fetch(`${t.url}/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('BATCH_TOO_LARGE');
    // Empty segments are calls too: `a,,,,,,,,,,b` is 11 calls.
    const sneaky = await fetch(`${t.url}/trpc/system.version${','.repeat(10)}?batch=1`);
    expect(sneaky.status).toBe(400);
    expect(((await sneaky.json()) as ErrorEnvelope).error.data.reason).toBe('BATCH_TOO_LARGE');
    const ok = await fetch(
      `${t.url}/trpc/${Array.from({ length: 10 }, () => 'system.version').join(',')}` +
        `?batch=1&input=${encodeURIComponent('{}')}`,
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as unknown[]).length).toBe(10);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const good = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'abc-123_DEF.9' } });
    expect(good.headers.get('x-request-id')).toBe('abc-123_DEF.9');
    for (const bad of ['has space', 'x'.repeat(129), 'inject\\nline', '<script>']) {
      const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': bad } });
      const id = res.headers.get('x-request-id');
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('carries the request id in error data', async () => {
    const res = await fetch(`${t.url}/trpc/nope.missing`, {
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorEnvelope;
    expect(body.error.data.requestId).toBe('trace-42');
    expect(body.error.data.reason).toBe('NOT_FOUND');
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await fetch(`${t.url}/wp-admin.php`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('NOT_FOUND');
  });

  it('refuses JSON nested deeper than the limit', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const res = await fetch(`${t.url}/trpc/system.version?input=${encodeURIComponent(deep)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorEnvelope).error.data.reason).toBe('JSON_TOO_DEEP');
  });

  it('refuses an over-long URL with 414, and the envelope says 414 too', async () => {
    const res = await fetch(`${t.url}/trpc/system.version?input=${'a'.repeat(9000)}`);
    expect(res.status).toBe(414);
    const { error } = (await res.json()) as ErrorEnvelope;
    expect(error.data).toMatchObject({ reason: 'URL_TOO_LONG', httpStatus: 414 });
  });

  it('rejects unknown input keys: VALIDATION_FAILED, no rule text', async () => {
    const res = await fetch(
      `${t.url}/trpc/system.version?input=${encodeURIComponent('{"admin":true}')}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorEnvelope & { error: { data: { issues: unknown[] } } };
    expect(body.error.data.reason).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('Input validation failed');
    expect(body.error.data.issues).toEqual([{ path: '', code: 'unrecognized_keys' }]);
  });
});

describe('errors outside development', () => {
  const leaky = router({
    boom: publicProcedure
      .meta({ public: true })
      .input(z.object({}).optional())
      .output(z.object({}))
      .query(() => {
        throw new Error('connection to 10.0.0.5 failed: SELECT password_hash FROM users');
      }),
    badOutput: publicProcedure
      .meta({ public: true })
      .input(z.object({}).optional())
      .output(z.strictObject({ id: z.string() }))
      .query(() => ({ id: 'x', passwordHash: 'argon2id$...' }) as unknown as { id: string }),
    pattern: publicProcedure
      .meta({ public: true })
      .input(z.object({ code: z.string().regex(/^SECRET-[0-9]{4}$/) }))
      .output(z.object({}))
      .query(() => ({})),
  });

  for (const env of ['production-like test', 'development'] as const) {
    describe(env, () => {
      // The router under test: same pipeline, deliberately leaky procedures.
      const t = useTestApp({
        env: { GATEHOUSE_ENV: env === 'development' ? 'development' : 'test' },
        router: leaky,
      });

      it(
        env === 'development'
          ? 'shows the message and stack in development'
          : 'hides the message and stack of an internal error',
        async () => {
          const res = await fetch(`${t.url}/trpc/boom`);
          expect(res.status).toBe(500);
          const text = await res.text();
          const body = JSON.parse(text) as ErrorEnvelope;
          expect(body.error.data.reason).toBe('INTERNAL');
          if (env === 'development') {
            expect(body.error.message).toContain('connection to 10.0.0.5');
            expect(body.error.data.stack).toBeTypeOf('string');
          } else {
            expect(body.error.message).toBe('Internal server error');
            expect(text).not.toContain('SELECT');
            expect(text).not.toContain('10.0.0.5');
            expect(body.error.data.stack).toBeUndefined();
            expect(text).not.toContain('at ');
          }
        },
      );

      it('never lets an output field outside the schema through', async () => {
        const res = await fetch(`${t.url}/trpc/badOutput`);
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(text).not.toContain('argon2id');
      });

      it('does not echo validation rules (regex patterns) to the caller', async () => {
        const res = await fetch(
          `${t.url}/trpc/pattern?input=${encodeURIComponent('{"code":"x"}')}`,
        );
        expect(res.status).toBe(400);
        const text = await res.text();
        if (env !== 'development') expect(text).not.toContain('SECRET-');
        expect((JSON.parse(text) as ErrorEnvelope).error.data.reason).toBe('VALIDATION_FAILED');
      });
    });
  }

  it('the app router itself passes the default-deny check', () => {
    expect(findPolicyProblems(appRouter)).toEqual([]);
  });
});
