import { isIPv6 } from 'node:net';

/**
 * The key an address is counted under: an IPv4 address as is, an IPv6
 * address by its /64 prefix (one subscriber usually holds a whole /64, so
 * per-address keys would let a client rotate through 2^64 budgets).
 */
export function ipRateKey(ip: string): string {
  // IPv4 (the common case) has no colon: no need for the IPv6 parser.
  if (!ip.includes(':') || !isIPv6(ip) || ip.includes('.')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.replace(/^0+/, '') || '0').toLowerCase())
    .join(':')}::/64`;
}
