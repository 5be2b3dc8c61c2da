import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

export interface TrustProxy {
  readonly hops: number;
  readonly cidrs: readonly string[];
}

export interface ClientAddress {
  readonly ip: string;
  /** Whether the request reached the first trusted hop over HTTPS. */
  readonly secure: boolean;
  /**
   * A trusted proxy said the client spoke plain HTTP to it (`X-Forwarded-Proto: http`): its
   * credentials crossed the network in clear.
   */
  readonly viaPlainHttp?: boolean;
}

/**
 * Resolves the client address and scheme. Forwarded headers are believed only
 * when `TRUST_PROXY` says so: the client is the right-most address that is not
 * a trusted proxy (or the one `hops` from the right). Without it they are
 * ignored, so a spoofed `X-Forwarded-For` changes nothing.
 */
export function createClientAddressResolver(
  trust: TrustProxy | undefined,
): (req: IncomingMessage) => ClientAddress {
  const isTrusted = createTrustedProxyCheck(trust);

  // A connection's peer does not change: its address and verdict are worked
  // out once per socket, not per request (BlockList checks were 3 % of a call).
  const peers = new WeakMap<
    IncomingMessage['socket'],
    { direct: ClientAddress; trusted: boolean }
  >();
  const peerOf = (req: IncomingMessage): { direct: ClientAddress; trusted: boolean } => {
    let peer = peers.get(req.socket);
    if (!peer) {
      const ip = normalize(req.socket.remoteAddress ?? '');
      peer = {
        direct: { ip, secure: isEncrypted(req) },
        trusted: trust !== undefined && trust.hops === 0 && isTrusted(ip),
      };
      peers.set(req.socket, peer);
    }
    return peer;
  };

  return function clientAddress(req) {
    const { direct, trusted } = peerOf(req);
    const socketIp = direct.ip;
    if (!trust) return direct;
    const byHops = trust.hops > 0;
    if (!byHops && !trusted) return direct;

    const header = req.headers['x-forwarded-for'];
    const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => normalize(s.trim()))
      .filter((s) => isIP(s) !== 0);
    const hops = [...chain, socketIp];
    let index = hops.length - 1;
    if (byHops) {
      index = Math.max(0, hops.length - 1 - trust.hops);
    } else {
      while (index > 0 && isTrusted(hops[index] ?? '')) index--;
    }
    const proto = req.headers['x-forwarded-proto'];
    const lastProto = (Array.isArray(proto) ? proto.join(',') : (proto ?? ''))
      .split(',')
      .pop()
      ?.trim()
      .toLowerCase();
    const secure = direct.secure || lastProto === 'https';
    return {
      ip: hops[index] ?? socketIp,
      secure,
      ...(!secure && lastProto === 'http' ? { viaPlainHttp: true } : {}),
    };
  };
}

/** Whether an address is one of the `TRUST_PROXY` CIDRs (never, without TRUST_PROXY). */
export function createTrustedProxyCheck(trust: TrustProxy | undefined): (ip: string) => boolean {
  const blocks = new BlockList();
  for (const c of trust?.cidrs ?? []) {
    const [addr, bits] = c.split('/');
    const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) blocks.addAddress(addr ?? '', family);
    else blocks.addSubnet(addr ?? '', Number(bits), family);
  }
  return function isTrusted(ip) {
    const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && blocks.check(plain, family);
  };
}

function normalize(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

function isEncrypted(req: IncomingMessage): boolean {
  return 'encrypted' in req.socket && (req.socket as { encrypted?: boolean }).encrypted === true;
}
