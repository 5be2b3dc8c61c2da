import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type { Config } from '../config';
import { capConnectionsPerAddress } from './cap-connections-per-address';

/**
 * A `node:http` server, or `node:https` when a certificate is configured,
 * with timeouts that cut slow clients loose (slowloris, unfinished TLS
 * handshakes), a cap on open connections per client address, and TLS
 * limited to 1.2+ with forward-secret AEAD suites.
 */
export function createServer(config: Config, handler: http.RequestListener): http.Server {
  const { http: h } = config;
  const common: http.ServerOptions = {
    headersTimeout: h.headersTimeoutMs,
    requestTimeout: h.requestTimeoutMs,
    keepAliveTimeout: h.keepAliveTimeoutMs,
    maxHeaderSize: 16 * 1024,
    connectionsCheckingInterval: Math.min(1_000, h.headersTimeoutMs),
  };
  // handshakeTimeout: a TLS socket that never finishes its handshake is cut
  // off after TLS_HANDSHAKE_TIMEOUT_MS (Node's default holds it 120 s).
  const server = h.tls
    ? https.createServer(
        { ...common, ...tlsContextOptions(h.tls), handshakeTimeout: h.tlsHandshakeTimeoutMs },
        handler,
      )
    : http.createServer(common, handler);
  capConnectionsPerAddress(server, { max: h.maxConnectionsPerIp, trustProxy: h.trustProxy });
  server.keepAliveTimeout = h.keepAliveTimeoutMs;
  server.headersTimeout = h.headersTimeoutMs;
  server.requestTimeout = h.requestTimeoutMs;
  return server;
}

/**
 * The certificate and the protocol settings, read fresh from disk: used at
 * start-up and again on SIGHUP (`reload-certificate.ts`), so a reload can
 * never loosen the TLS floor or the cipher list.
 */
export function tlsContextOptions(files: {
  readonly certFile: string;
  readonly keyFile: string;
}): tls.SecureContextOptions {
  return {
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
    minVersion: 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
  };
}

/** TLS 1.2 suites: ECDHE (forward secret) with AEAD ciphers only. TLS 1.3 suites are all AEAD. */
export const TLS12_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');
