import type { Server } from 'node:net';
import { ipRateKey } from '../ratelimit/ip-rate-key';
import { createTrustedProxyCheck, type TrustProxy } from './client-address';

/**
 * At most `max` open TCP connections per client address (IPv6: per /64,
 * as the rate limits count), counted from the raw socket, before TLS or
 * HTTP parsing: one address cannot hold every socket the process has with
 * idle or never-finished handshakes. The connection over the cap is
 * destroyed at once. A trusted proxy (TRUST_PROXY CIDRs) is not counted,
 * nor is anyone when TRUST_PROXY trusts by hop count: every peer is then a
 * proxy, which should cap connections itself (nginx `limit_conn`).
 */
export function capConnectionsPerAddress(
  server: Server,
  options: { readonly max: number; readonly trustProxy: TrustProxy | undefined },
): void {
  if (options.trustProxy !== undefined && options.trustProxy.hops > 0) return;
  const isTrusted = createTrustedProxyCheck(options.trustProxy);
  const open = new Map<string, number>();
  server.prependListener('connection', function countConnection(socket) {
    const ip = socket.remoteAddress ?? '';
    if (isTrusted(ip)) return;
    const key = ipRateKey(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    const count = open.get(key) ?? 0;
    if (count >= options.max) {
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
