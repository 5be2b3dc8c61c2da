import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { spawnServer, type SpawnedServer } from '../support/spawn-server';
import {
  createSelfSignedCertificate,
  type TestCertificate,
} from '../transport/self-signed-certificate';
import { waitForLog } from '../transport/wait-for-log';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * An access token sent to the plain-HTTP listener was readable on the wire:
 * the key it came from is revoked, which stops the token and its siblings.
 * A forged token sent there revokes nothing.
 */
describe('an access token sent over the plain-HTTP listener', () => {
  let dir: string;
  let cert: TestCertificate;
  let server: SpawnedServer;
  let redirectPort: number;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-exposed-jwt-'));
    cert = await createSelfSignedCertificate(dir, 'exposed-jwt');
    // The verification link (creating a key needs a verified email) arrives here.
    smtp = await startSmtpCapture();
    server = await spawnServer({
      GATEHOUSE_DATA_DIR: 'memory://',
      SMTP_URL: smtp.url,
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
      HTTP_REDIRECT_PORT: '0',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000',
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

  const send = (
    secure: boolean,
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders = {},
    body?: string,
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const options = { host: '127.0.0.1', method, path, headers };
      const onResponse = (res: http.IncomingMessage): void => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      };
      const req = secure
        ? https.request(
            { ...options, port: server.port, ca: [cert.cert], servername: 'localhost' },
            onResponse,
          )
        : http.request({ ...options, port: redirectPort }, onResponse);
      req.on('error', reject);
      req.end(body);
    });
  const me = (jwt: string) =>
    send(true, 'GET', '/trpc/auth.me', { authorization: `Bearer ${jwt}` });

  async function client(email: string): Promise<{ key: string; id: string; jwt: string }> {
    const json = { 'content-type': 'application/json' };
    const credentials = JSON.stringify({ email, password: 'a long enough passphrase here' });
    await send(true, 'POST', '/trpc/auth.signUp', json, credentials);
    expect(
      (
        await send(
          true,
          'POST',
          '/trpc/auth.verifyEmail',
          json,
          JSON.stringify({ token: await smtp.tokenFor(email) }),
        )
      ).status,
    ).toBe(200);
    const signIn = await send(true, 'POST', '/trpc/auth.signIn', json, credentials);
    expect(signIn.status).toBe(200);
    const cookie =
      (([] as string[]).concat(signIn.headers['set-cookie'] ?? [])[0] ?? '').split(';')[0] ?? '';
    const created = await send(
      true,
      'POST',
      '/trpc/apiKeys.create',
      { ...json, cookie, origin: `https://127.0.0.1:${server.port}` },
      JSON.stringify({
        name: 'svc',
        scopes: ['self:read'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    expect(created.status).toBe(200);
    const data = (
      JSON.parse(created.body) as { result: { data: { key: string; apiKey: { id: string } } } }
    ).result.data;
    const token = await send(
      true,
      'POST',
      '/oauth/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: data.apiKey.id,
        client_secret: data.key,
      }).toString(),
    );
    expect(token.status).toBe(200);
    return {
      key: data.key,
      id: data.apiKey.id,
      jwt: (JSON.parse(token.body) as { access_token: string }).access_token,
    };
  }

  it('revokes the key it was issued to: the token, its key and new tokens all stop', async () => {
    const c = await client('exposed-jwt@example.com');
    expect((await me(c.jwt)).status).toBe(200);
    const plain = await send(false, 'GET', '/trpc/auth.me', { authorization: `Bearer ${c.jwt}` });
    expect(plain.status).toBe(403);
    expect(
      (JSON.parse(plain.body) as { error: { data: { reason: string } } }).error.data.reason,
    ).toBe('HTTPS_REQUIRED');
    // The plain listener answers only after the revoker has run.
    expect((await me(c.jwt)).status).toBe(401);
    expect((await send(true, 'GET', '/trpc/auth.me', { 'x-api-key': c.key })).status).toBe(401);
    const again = await send(
      true,
      'POST',
      '/oauth/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.id,
        client_secret: c.key,
      }).toString(),
    );
    expect(again.status).toBe(401);
    expect(server.output.join('\n')).not.toContain(c.jwt);
  });

  it('a forged token sent there revokes nothing', async () => {
    const c = await client('forged-jwt@example.com');
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT(decodeJwt(c.jwt))
      .setProtectedHeader({
        alg: 'EdDSA',
        typ: 'at+jwt',
        kid: String(decodeProtectedHeader(c.jwt).kid),
      })
      .sign(privateKey);
    expect(
      (await send(false, 'GET', '/trpc/auth.me', { authorization: `Bearer ${forged}` })).status,
    ).toBe(403);
    // The plain listener answers only after the revoker has run: the real token and key still work.
    expect((await me(c.jwt)).status).toBe(200);
    expect((await send(true, 'GET', '/trpc/auth.me', { 'x-api-key': c.key })).status).toBe(200);
  });
});
