import { BlockList, isIP } from 'node:net';

/** Why a resolved address may not receive a webhook. */
export type RefusedAddressKind =
  | 'metadata'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'unique_local'
  | 'reserved';

type Range = readonly [address: string, prefix: number, family: 'ipv4' | 'ipv6'];

/**
 * Every range a webhook must never reach without the operator's allowlist,
 * by kind, so a refusal names its reason. Checked in this order: the cloud
 * metadata addresses first (they sit inside link-local and ULA).
 */
const RANGES: readonly (readonly [RefusedAddressKind, readonly Range[]])[] = [
  [
    'metadata',
    [
      ['169.254.169.254', 32, 'ipv4'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ],
  ],
  [
    'loopback',
    [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  ],
  [
    'unspecified',
    [
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ],
  ],
  [
    'private',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
    ],
  ],
  [
    'link_local',
    [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  ],
  ['cgnat', [['100.64.0.0', 10, 'ipv4']]],
  [
    'multicast',
    [
      ['224.0.0.0', 4, 'ipv4'],
      ['ff00::', 8, 'ipv6'],
    ],
  ],
  ['unique_local', [['fc00::', 7, 'ipv6']]],
  [
    'reserved',
    [
      // IETF protocol assignments, benchmarking, documentation, class E and broadcast.
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      // Discard-only, documentation, and the deprecated site-local range.
      ['100::', 64, 'ipv6'],
      ['2001:db8::', 32, 'ipv6'],
      ['fec0::', 10, 'ipv6'],
    ],
  ],
];

const LISTS: readonly (readonly [RefusedAddressKind, BlockList])[] = RANGES.map(
  ([kind, ranges]) => {
    const list = new BlockList();
    for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
    return [kind, list] as const;
  },
);

/**
 * The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
 * (`::a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address, else undefined:
 * the kernel routes `::ffff:127.0.0.1` to loopback, so it is judged as
 * `127.0.0.1`.
 */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const head = groups.slice(0, 6);
  const zeros = (n: number): boolean => head.slice(0, n).every((g) => g === 0);
  const mapped = zeros(5) && head[5] === 0xffff;
  const compatible = zeros(6) && (groups[6] !== 0 || (groups[7] ?? 0) > 1);
  const nat64 = head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((g) => g === 0);
  if (!mapped && !compatible && !nat64) return undefined;
  const hi = groups[6] ?? 0;
  const lo = groups[7] ?? 0;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** The eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail if present). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const parts = dotted[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    const high = ((a << 8) | b).toString(16);
    const low = ((c << 8) | d).toString(16);
    text = `${text.slice(0, -dotted[1].length)}${high}:${low}`;
  }
  const [left = '', right] = text.split('::');
  const l = left ? left.split(':') : [];
  const r = right !== undefined && right !== '' ? right.split(':') : [];
  const fill = right !== undefined ? 8 - l.length - r.length : 0;
  const all = [...l, ...Array<string>(fill).fill('0'), ...r];
  if (all.length !== 8) return undefined;
  return all.map((g) => Number.parseInt(g, 16));
}

/**
 * Why `address` (an IP literal) must not be reached, or undefined when it
 * is a public unicast address. An IPv6 address carrying an IPv4 one is
 * judged by the IPv4 address too.
 */
export function refusedAddressKind(address: string): RefusedAddressKind | undefined {
  const family = isIP(address);
  if (family === 0) return 'unspecified';
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) {
    const inner = refusedAddressKind(v4);
    if (inner) return inner;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return undefined;
}
