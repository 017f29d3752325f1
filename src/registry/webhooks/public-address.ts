/**
 * Whether an IP address is public: reachable across the internet rather than this machine, its
 * network, a provider's metadata service or a reserved range. It matches MLflow's
 * `_is_public_ip` (Python's `is_global` after unwrapping IPv4-mapped, 6to4 and NAT64 forms) and
 * refuses a little more: multicast, any IPv6 address outside global unicast (2000::/3) such as
 * deprecated site-local fec0::/10, and IPv4-compatible (`::a.b.c.d`) and SIIT
 * (`::ffff:0:a.b.c.d`) forms carrying a non-public IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [base: bigint, bits: number];

const V4_NOT_PUBLIC: readonly Range[] = [
  v4('0.0.0.0', 8), // "this network"; 0.0.0.0 reaches the local host
  v4('10.0.0.0', 8),
  v4('100.64.0.0', 10), // carrier-grade NAT
  v4('127.0.0.0', 8),
  v4('169.254.0.0', 16), // link-local, including cloud metadata 169.254.169.254
  v4('172.16.0.0', 12),
  v4('192.0.0.0', 24),
  v4('192.0.2.0', 24),
  v4('192.168.0.0', 16),
  v4('198.18.0.0', 15),
  v4('198.51.100.0', 24),
  v4('203.0.113.0', 24),
  v4('224.0.0.0', 4), // multicast
  v4('240.0.0.0', 4), // reserved, and broadcast
];

/** Inside 2000::/3, the ranges that are not public; the embedded-IPv4 forms are unwrapped first. */
const V6_NOT_PUBLIC: readonly Range[] = [
  v6('2001::', 23), // IETF protocol assignments, Teredo among them
  v6('2001:db8::', 32),
  v6('3fff::', 20), // documentation
];

export function isPublicAddress(ip: string): boolean {
  if (isIPv4(ip)) return isPublicV4(v4Number(ip));
  const bare = ip.split('%')[0]!; // a zone index (fe80::1%eth0) names an interface, not an address
  if (!isIPv6(bare)) return false;
  const n = v6Number(bare);
  const embedded = embeddedV4(n);
  if (embedded !== undefined) return isPublicV4(embedded);
  if (!within(n, [v6('2000::', 3)], 128)) return false;
  return !within(n, V6_NOT_PUBLIC, 128);
}

function isPublicV4(n: bigint): boolean {
  return !within(n, V4_NOT_PUBLIC, 32);
}

/** The IPv4 address an IPv6 one stands for, when it is one of the forms that carry one. */
function embeddedV4(n: bigint): bigint | undefined {
  const low32 = n & 0xffff_ffffn;
  if (n >> 32n === 0n) return low32; // ::a.b.c.d (IPv4-compatible, deprecated), :: and ::1 included
  if (n >> 32n === 0xffffn) return low32; // ::ffff:a.b.c.d, IPv4-mapped
  if (n >> 32n === 0xffff_0000n) return low32; // ::ffff:0:a.b.c.d, SIIT
  if (n >> 32n === 0x0064_ff9b_0000_0000_0000_0000n) return low32; // 64:ff9b::/96, NAT64
  if (n >> 112n === 0x2002n) return (n >> 80n) & 0xffff_ffffn; // 2002:aabb:ccdd::/48, 6to4
  return undefined;
}

function within(n: bigint, ranges: readonly Range[], width: number): boolean {
  return ranges.some(([base, bits]) => n >> BigInt(width - bits) === base >> BigInt(width - bits));
}

function v4(ip: string, bits: number): Range {
  return [v4Number(ip), bits];
}

function v6(ip: string, bits: number): Range {
  return [v6Number(ip), bits];
}

function v4Number(ip: string): bigint {
  return ip.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

/** `ip` must already be valid IPv6 (net.isIPv6), dotted IPv4 tail allowed. */
function v6Number(ip: string): bigint {
  let text = ip.toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4Number(dotted[2]!);
    text = `${dotted[1]}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}
