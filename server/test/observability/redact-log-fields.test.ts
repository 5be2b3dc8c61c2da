import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/create-logger';
import { redactLogFields } from '../../src/observability/redact-log-fields';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('log redaction', () => {
  it('replaces credential-named members at any depth and in any case, and nothing else', () => {
    const input = {
      method: 'POST',
      input: {
        email: 'a@example.com',
        password: 'hunter2',
        deep: { a: { b: { c: { newPassword: 'x', Token: 't', apiKeyId: 'k_1' } } } },
      },
      headers: {
        Authorization: 'Bearer abc',
        cookie: 'gh_session=s',
        'x-api-key': 'k',
        'user-agent': 'curl',
      },
      list: [{ client_secret: 's' }, { ok: 1 }],
      tokenType: 'Bearer',
    };
    const out = redactLogFields(input);
    expect(out).toEqual({
      method: 'POST',
      input: {
        email: 'a@example.com',
        password: '[redacted]',
        deep: {
          a: { b: { c: { newPassword: '[redacted]', Token: '[redacted]', apiKeyId: 'k_1' } } },
        },
      },
      headers: {
        Authorization: '[redacted]',
        cookie: '[redacted]',
        'x-api-key': '[redacted]',
        'user-agent': 'curl',
      },
      list: [{ client_secret: '[redacted]' }, { ok: 1 }],
      tokenType: 'Bearer',
    });
    // The caller's object is never changed.
    expect(input.input.password).toBe('hunter2');
    expect(input.headers.Authorization).toBe('Bearer abc');
  });

  it('replaces credential-shaped strings whatever their key', () => {
    const out = redactLogFields({
      note: 'gth_live_abcdef',
      header: 'Basic dXNlcjpwYXNz',
      jwt: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.sig',
      path: '/trpc/auth.me',
    });
    expect(out).toEqual({
      note: '[redacted]',
      header: '[redacted]',
      jwt: '[redacted]',
      path: '/trpc/auth.me',
    });
  });

  it('returns the same object when there is nothing to redact (no copy on the hot path)', () => {
    const line = {
      method: 'GET',
      path: '/trpc/system.version',
      procedures: ['system.version'],
      status: 200,
      ip: '127.0.0.1',
      durationMs: 0.4,
    };
    expect(redactLogFields(line)).toBe(line);
  });

  it('cuts objects nested deeper than eight levels and survives cycles', () => {
    type Node = { next?: Node; password?: string };
    const root: Node = {};
    let n = root;
    for (let i = 0; i < 12; i++) n = n.next = {};
    n.password = 'deep-secret';
    expect(JSON.stringify(redactLogFields(root))).not.toContain('deep-secret');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => redactLogFields(cyclic)).not.toThrow();
  });

  it('keeps an error readable by the err serializer while redacting its members', () => {
    const err = Object.assign(new Error('connection refused'), {
      code: 'ECONNREFUSED',
      config: { password: 'pw' },
    });
    const { stream, lines } = capture();
    createLogger({ level: 'info', destination: stream }).error({ err }, 'failed');
    const [line] = lines();
    expect(line).toMatchObject({
      msg: 'failed',
      err: {
        type: 'Error',
        message: 'connection refused',
        code: 'ECONNREFUSED',
        config: { password: '[redacted]' },
      },
    });
    expect(JSON.stringify(line)).not.toContain('"pw"');
    expect(String((line!.err as { stack: string }).stack)).toContain('connection refused');
  });

  it('redacts in log lines and in child-logger bindings', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info', destination: stream });
    log
      .child({ requestId: 'r1', authorization: 'Bearer x' })
      .info({ input: { password: 'hunter2', name: 'n' } }, 'signing in');
    const [line] = lines();
    expect(line).toMatchObject({
      requestId: 'r1',
      authorization: '[redacted]',
      input: { password: '[redacted]', name: 'n' },
      msg: 'signing in',
      service: 'gatehouse',
    });
    expect(JSON.stringify(line)).not.toMatch(/hunter2|Bearer x/);
  });
});
