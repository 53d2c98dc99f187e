import { BlockList, isIP } from 'node:net';

/**
 * Which addresses an http(s) image may be fetched from. A caller must not be able to make the
 * service read its own loopback, the private network it sits in, or cloud metadata endpoints
 * (169.254.169.254): anything not globally routable is refused unless the allow-list opens it.
 */

const FORBIDDEN_V4 = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const;

const FORBIDDEN_V6 = [
  ['::', 128],
  ['::1', 128],
  // IPv4-mapped and NAT64 addresses reach IPv4 hosts, private ones included: refused whole.
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const;

// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules in their mapped form, so
// one list holding ::ffff:0:0/96 would refuse every IPv4 address.
const forbiddenV4 = new BlockList();
for (const [net, prefix] of FORBIDDEN_V4) forbiddenV4.addSubnet(net, prefix, 'ipv4');
const forbiddenV6 = new BlockList();
for (const [net, prefix] of FORBIDDEN_V6) forbiddenV6.addSubnet(net, prefix, 'ipv6');

export interface AddressPolicy {
  /** Undefined when the address may be fetched; otherwise why not (safe to log: it is no personal data). */
  refuse(address: string): string | undefined;
}

/** Parses "10.1.0.0/16", "127.0.0.2" or "fd00::/8"; throws with the offending entry. */
function parseRange(entry: string): { net: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [net = '', prefixText] = entry.trim().split('/');
  const version = isIP(net);
  if (!version) throw new Error(`"${entry}" in the image address allow-list is not an IP address or CIDR range.`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`"${entry}" in the image address allow-list has a bad prefix length.`);
  return { net, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function addressPolicy(allow: readonly string[] = []): AddressPolicy {
  const allowed = new BlockList();
  for (const entry of allow) {
    const { net, prefix, family } = parseRange(entry);
    allowed.addSubnet(net, prefix, family);
  }
  return {
    refuse(address) {
      const version = isIP(address);
      if (!version) return 'not an IP address';
      const family = version === 4 ? 'ipv4' : 'ipv6';
      if (allowed.check(address, family)) return undefined;
      if ((family === 'ipv4' ? forbiddenV4 : forbiddenV6).check(address, family)) return `${address} is not a public address`;
      return undefined;
    },
  };
}
