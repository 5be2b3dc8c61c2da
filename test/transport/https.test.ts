import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../support/spawn-server';
import { createSelfSignedCertificate, type TestCertificate } from './self-signed-certificate';
import { waitForLog } from './wait-for-log';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function collect(res: http.IncomingMessage, resolve: (a: Answer) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (d: string) => (body += d));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

function handshake(
  port: number,
  ca: Buffer,
  options: tls.ConnectionOptions,
): Promise<
  { ok: true; protocol: string | null; fingerprint: string } | { ok: false; code: string }
> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca,
      servername: 'localhost',
      ...options,
    });
    socket.once('secureConnect', () => {
      resolve({
        ok: true,
        protocol: socket.getProtocol(),
        fingerprint: socket.getPeerCertificate().fingerprint256,
      });
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: err.code ?? err.message }),
    );
  });
}

describe('HTTPS served by the server itself', () => {
  let dir: string;
  let first: TestCertificate;
  let second: TestCertificate;
  let live: { certFile: string; keyFile: string };
  let server: SpawnedServer;
  let redirectPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-tls-'));
    first = await createSelfSignedCertificate(dir, 'first');
    second = await createSelfSignedCertificate(dir, 'second');
    live = { certFile: join(dir, 'live.crt'), keyFile: join(dir, 'live.key') };
    await copyFile(first.certFile, live.certFile);
    await copyFile(first.keyFile, live.keyFile);
    server = await spawnServer({
      GATEHOUSE_DATA_DIR: 'memory://',
      TLS_CERT_FILE: live.certFile,
      TLS_KEY_FILE: live.keyFile,
      HTTP_REDIRECT_PORT: '0',
    });
    redirectPort = (
      await waitForLog(server.output, (l) => l.msg === 'plain HTTP redirect listening')
    ).redirectPort as number;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, agent?: https.Agent): Promise<Answer> =>
    new Promise((resolve, reject) => {
      https
        .get(
          {
            host: '127.0.0.1',
            port: server.port,
            path,
            ca: [first.cert, second.cert],
            servername: 'localhost',
            ...(agent ? { agent } : {}),
          },
          (res) => collect(res, resolve),
        )
        .on('error', reject);
    });

  it('refuses TLS 1.0 and 1.1 handshakes with a protocol_version alert', async () => {
    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      // SECLEVEL=0 lets this client offer the old protocol, so the refusal is the server's.
      const result = await handshake(server.port, first.cert, {
        minVersion: version,
        maxVersion: version,
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      expect(result, version).toEqual({ ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    }
  });

  it('accepts a TLS 1.3 handshake, and TLS 1.2 only with a forward-secret AEAD suite', async () => {
    expect(await handshake(server.port, first.cert, { minVersion: 'TLSv1.3' })).toMatchObject({
      ok: true,
      protocol: 'TLSv1.3',
    });
    expect(
      await handshake(server.port, first.cert, {
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      }),
    ).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    const cbc = await handshake(server.port, first.cert, {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-SHA',
    });
    expect(cbc.ok).toBe(false);
  });

  it('sends HSTS over HTTPS', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('plain listener: 308 to HTTPS for /docs, 403 HTTPS_REQUIRED for /trpc, no HSTS', async () => {
    const plain = (
      method: string,
      path: string,
      headers: http.OutgoingHttpHeaders = {},
    ): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: redirectPort, method, path, headers },
          (res) => collect(res, resolve),
        );
        req.on('error', reject);
        req.end();
      });
    const docs = await plain('GET', '/docs');
    expect(docs.status).toBe(308);
    expect(docs.headers.location).toBe(`https://127.0.0.1:${server.port}/docs`);
    expect(docs.headers['strict-transport-security']).toBeUndefined();
    for (const [method, path] of [
      ['GET', '/trpc/system.version'],
      ['POST', '/trpc/auth.signIn'],
      ['POST', '/oauth/token'],
    ]) {
      const api = await plain(method!, path!, { 'x-api-key': 'gh_exposed_key' });
      expect(api.status).toBe(403);
      expect(api.headers.location).toBeUndefined();
      expect(
        (JSON.parse(api.body) as { error: { data: { reason: string } } }).error.data.reason,
      ).toBe('HTTPS_REQUIRED');
    }
    // The exposure is logged (without the key itself).
    const line = await waitForLog(
      server.output,
      (l) => l.msg === 'credential sent over plain HTTP; revoking it',
    );
    expect(line.source).toBe('header:x-api-key');
    expect(server.output.join('\n')).not.toContain('gh_exposed_key');
  });

  it('reloads the certificate on SIGHUP for new handshakes, keeping open connections', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get('/healthz', agent);
      expect(before.status).toBe(200);
      const openSocket = [...Object.values(agent.freeSockets).flat()][0];
      expect(openSocket).toBeDefined();

      await copyFile(second.certFile, live.certFile);
      await copyFile(second.keyFile, live.keyFile);
      const reloads = server.output.length;
      server.process.kill('SIGHUP');
      await waitForLog(server.output, (l) => l.msg === 'TLS certificate reloaded', {
        from: reloads,
      });

      const fresh = await handshake(server.port, second.cert, { minVersion: 'TLSv1.3' });
      expect(fresh).toMatchObject({ ok: true, fingerprint: second.fingerprint256 });
      // The keep-alive connection opened under the first certificate still serves.
      const after = await get('/healthz', agent);
      expect(after.status).toBe(200);
      expect([...Object.values(agent.freeSockets).flat()][0]).toBe(openSocket);
      expect(server.process.exitCode).toBeNull();
    } finally {
      agent.destroy();
    }
  });
});
