import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { spawnServer, type SpawnedServer } from '../support/spawn-server';
import { createSelfSignedCertificate, type TestCertificate } from './self-signed-certificate';
import { waitForLog } from './wait-for-log';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function collect(res: http.IncomingMessage, resolve: (a: Answer) => void): void {
  let body = '';
  res.on('data', (c: Buffer) => (body += c.toString('utf8')));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

describe('a session cookie sent over the plain-HTTP listener', () => {
  let dir: string;
  let cert: TestCertificate;
  let server: SpawnedServer;
  let redirectPort: number;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-exposed-'));
    cert = await createSelfSignedCertificate(dir, 'exposed');
    // The verification link (creating a key needs a verified email) arrives here.
    smtp = await startSmtpCapture();
    server = await spawnServer({
      GATEHOUSE_DATA_DIR: 'memory://',
      SMTP_URL: smtp.url,
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
      HTTP_REDIRECT_PORT: '0',
    });
    redirectPort = (
      await waitForLog(server.output, (l) => l.msg === 'plain HTTP redirect listening')
    ).redirectPort as number;
  });
  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const secure = (
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders = {},
    body?: string,
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method,
          path,
          headers,
          ca: [cert.cert],
          servername: 'localhost',
        },
        (res) => collect(res, resolve),
      );
      req.on('error', reject);
      req.end(body);
    });

  it('is revoked: the same cookie no longer works over HTTPS', async () => {
    const json = { 'content-type': 'application/json' };
    const credentials = JSON.stringify({
      email: 'exposed@example.com',
      password: 'a long enough passphrase here',
    });
    expect((await secure('POST', '/trpc/auth.signUp', json, credentials)).status).toBe(200);
    const signIn = await secure('POST', '/trpc/auth.signIn', json, credentials);
    expect(signIn.status).toBe(200);
    const setCookie = ([] as string[]).concat(signIn.headers['set-cookie'] ?? [])[0] ?? '';
    // Over HTTPS the cookie carries the __Host- prefix and Secure.
    expect(setCookie).toMatch(/^__Host-gatehouse_session=/);
    expect(setCookie).toContain('Secure');
    const cookie = setCookie.split(';')[0] ?? '';
    expect((await secure('GET', '/trpc/auth.me', { cookie })).status).toBe(200);

    const plain = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: redirectPort,
          method: 'GET',
          path: '/trpc/auth.me',
          headers: { cookie },
        },
        (res) => collect(res, resolve),
      );
      req.on('error', reject);
      req.end();
    });
    expect(plain.status).toBe(403);
    expect(
      (JSON.parse(plain.body) as { error: { data: { reason: string } } }).error.data.reason,
    ).toBe('HTTPS_REQUIRED');

    await waitForLog(
      server.output,
      (l) => l.msg === 'credential sent over plain HTTP; revoking it',
    );
    const deadline = Date.now() + 5_000;
    let after = await secure('GET', '/trpc/auth.me', { cookie });
    while (after.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await secure('GET', '/trpc/auth.me', { cookie });
    }
    expect(after.status).toBe(401);
    expect(server.output.join('\n')).not.toContain(cookie.split('=')[1] ?? 'x');
  });

  it('an API key sent there is revoked too', async () => {
    const json = { 'content-type': 'application/json' };
    const credentials = JSON.stringify({
      email: 'exposed-key@example.com',
      password: 'a long enough passphrase here',
    });
    await secure('POST', '/trpc/auth.signUp', json, credentials);
    expect(
      (
        await secure(
          'POST',
          '/trpc/auth.verifyEmail',
          json,
          JSON.stringify({ token: await smtp.tokenFor('exposed-key@example.com') }),
        )
      ).status,
    ).toBe(200);
    const signIn = await secure('POST', '/trpc/auth.signIn', json, credentials);
    const cookie =
      (([] as string[]).concat(signIn.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0] ?? '';
    const created = await secure(
      'POST',
      '/trpc/apiKeys.create',
      { ...json, cookie, origin: `https://127.0.0.1:${server.port}` },
      JSON.stringify({
        name: 'leaky',
        scopes: ['self:read'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    expect(created.status).toBe(200);
    const key = (JSON.parse(created.body) as { result: { data: { key: string } } }).result.data.key;
    expect((await secure('GET', '/trpc/auth.me', { 'x-api-key': key })).status).toBe(200);
    await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: redirectPort,
          method: 'GET',
          path: '/trpc/auth.me',
          headers: { authorization: `Bearer ${key}` },
        },
        (res) => collect(res, resolve),
      );
      req.on('error', reject);
      req.end();
    });
    const deadline = Date.now() + 5_000;
    let after = await secure('GET', '/trpc/auth.me', { 'x-api-key': key });
    while (after.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await secure('GET', '/trpc/auth.me', { 'x-api-key': key });
    }
    expect(after.status).toBe(401);
    expect(server.output.join('\n')).not.toContain(key);
  });
});
