import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSelfSignedCertificate } from './self-signed-certificate';

/** Resolves 'refused' when nothing listens on the port any more, 'connected' otherwise. */
function probe(port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err),
    );
  });
}

function plainGet(port: number, path: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      })
      .once('error', reject);
  });
}

describe('App.close() closes every listener it opened', () => {
  let dir: string;
  let t: TestApp;
  let closed = false;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-close-'));
    const certificate = await createSelfSignedCertificate(dir, 'close');
    t = await startTestApp('pglite', {
      TLS_CERT_FILE: certificate.certFile,
      TLS_KEY_FILE: certificate.keyFile,
      HTTP_REDIRECT_PORT: '0',
      METRICS_PORT: '0',
    });
  });
  afterAll(async () => {
    if (!closed) await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('HTTPS, metrics and HTTP-redirect listeners all refuse connections after close', async () => {
    const apiPort = t.app.server.address() as net.AddressInfo;
    const metrics = t.app.metricsAddress();
    const redirect = t.app.redirectAddress();
    if (!metrics || !redirect) throw new Error('the metrics and redirect listeners should listen');

    // The redirect listener is the one listen() opened: it sends pages to this HTTPS port.
    const page = await plainGet(redirect.port, '/docs');
    expect(page.status).toBe(308);
    expect(page.location).toBe(`https://127.0.0.1:${apiPort.port}/docs`);
    expect(await probe(apiPort.port)).toBe('connected');
    expect(await probe(metrics.port)).toBe('connected');

    closed = true;
    await t.close();

    expect(await probe(redirect.port)).toBe('refused');
    expect(await probe(metrics.port)).toBe('refused');
    expect(await probe(apiPort.port)).toBe('refused');
    expect(t.app.redirectAddress()).toBeUndefined();
    expect(t.app.metricsAddress()).toBeUndefined();
  });
});
