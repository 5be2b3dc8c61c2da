// Pen-test item 17: a TLS socket that never finishes its handshake was held
// 120 s, and one address could open any number of them.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/use-test-app';
import { createSelfSignedCertificate, type TestCertificate } from './self-signed-certificate';

const HANDSHAKE_MS = 400;
const CAP = 4;

/** Resolves with how long the socket lived once the server closed it, or 'open' after `waitMs`. */
function lifetime(socket: net.Socket, waitMs: number): Promise<number | 'open'> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => undefined);
  });
}

function secureSocket(port: number, ca: Buffer): Promise<tls.TLSSocket | 'refused'> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', () => resolve('refused'));
    socket.once('close', () => resolve('refused'));
  });
}

function healthz(socket: tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('utf8');
      if (text.includes('\r\n\r\n') && text.includes('"ok"')) {
        socket.off('data', onData);
        resolve(text.split('\r\n')[0] ?? '');
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

describe('TLS connections: handshake timeout and a per-address cap', () => {
  let dir: string;
  let cert: TestCertificate;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-conn-'));
    cert = await createSelfSignedCertificate(dir, 'conn');
  });
  const t = useTestApp(() => ({
    env: {
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
      TLS_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_MS),
      MAX_CONNECTIONS_PER_IP: String(CAP),
    },
  }));
  beforeAll(async () => {
    port = Number(new URL(t.url).port);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('closes a socket with no handshake within TLS_HANDSHAKE_TIMEOUT_MS', async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    const lived = await lifetime(socket, 5_000);
    socket.destroy();
    expect(lived).not.toBe('open');
    expect(lived).toBeGreaterThanOrEqual(HANDSHAKE_MS - 50);
    expect(lived).toBeLessThan(HANDSHAKE_MS + 1_500);
  });

  it('closes a handshake left half-done (a partial ClientHello) as well', async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    const lived = await lifetime(socket, 5_000);
    socket.destroy();
    expect(lived).not.toBe('open');
    expect(lived).toBeLessThan(HANDSHAKE_MS + 1_500);
  });

  it(`refuses connections past ${CAP} from one address; a freed slot is reused`, async () => {
    const held: tls.TLSSocket[] = [];
    try {
      for (let i = 0; i < CAP; i++) {
        const s = await secureSocket(port, cert.cert);
        expect(s).not.toBe('refused');
        held.push(s as tls.TLSSocket);
      }
      const extra = await secureSocket(port, cert.cert);
      expect(extra).toBe('refused');
      // A raw socket past the cap is destroyed before any TLS work.
      const raw = net.connect({ host: '127.0.0.1', port });
      expect(await lifetime(raw, 2_000)).toBeLessThan(HANDSHAKE_MS);
      for (const s of held) expect(await healthz(s)).toBe('HTTP/1.1 200 OK');

      const first = held.shift() as tls.TLSSocket;
      await new Promise<void>((r) => {
        first.once('close', () => r());
        first.destroy();
      });
      await new Promise((r) => setTimeout(r, 50));
      const again = await secureSocket(port, cert.cert);
      expect(again).not.toBe('refused');
      held.push(again as tls.TLSSocket);
      expect(await healthz(again as tls.TLSSocket)).toBe('HTTP/1.1 200 OK');
    } finally {
      for (const s of held) s.destroy();
    }
  });
});
