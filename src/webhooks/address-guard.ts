/**
 * Server-side request forgery guard for webhook endpoints: a URL whose host resolves to
 * loopback, private, link-local, CGNAT, multicast, unspecified or other non-public ranges is
 * refused, unless the configured allowlist names its host or covers its address (on-premise
 * systems). Delivery resolves once, checks, and connects to exactly that address (`lookup` of
 * node:http), so a DNS answer that changes between check and connect cannot slip through.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const refusedV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
// IPv4-mapped (::ffff:0:0/96) addresses are judged as the IPv4 address they carry.
const refusedV6 = ['::/128', '::1/128', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'];

const refused = new BlockList();
for (const cidr of refusedV4) refused.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv4');
for (const cidr of refusedV6) refused.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (either spelling), else the address as given. */
export function unmapped(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** True when the address is in a range webhooks may not reach. */
export function isRefusedAddress(address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (!family) return true;
  return refused.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export class Allowlist {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(entries: string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/');
      const family = isIP(address ?? '');
      if (!family) this.hosts.add(entry.toLowerCase());
      else this.ranges.addSubnet(address!, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase());
  }

  allowsAddress(address: string): boolean {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && this.ranges.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<ResolvedTarget[]>;

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export class AddressRefused extends Error {
  constructor(
    readonly rule: 'private_address' | 'unresolvable',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves the URL's host and returns the address to connect to. Every address the name has
 * must be public (or allowlisted): otherwise an attacker's name could answer a public address
 * to the check and a private one to the connection.
 */
export async function resolveTarget(url: URL, allowlist: Allowlist, resolve: Resolver = systemResolver): Promise<ResolvedTarget> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let targets: ResolvedTarget[];
  if (isIP(host)) targets = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      targets = await resolve(host);
    } catch (error) {
      throw new AddressRefused('unresolvable', `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!targets.length) throw new AddressRefused('unresolvable', `${host} does not resolve`);
  if (allowlist.allowsHost(host)) return targets[0]!;
  const bad = targets.find((t) => isRefusedAddress(t.address) && !allowlist.allowsAddress(t.address));
  if (bad)
    throw new AddressRefused(
      'private_address',
      `${host} resolves to ${bad.address}, a loopback, private, link-local or otherwise non-public address (allow on-premise systems with WEBHOOK_ALLOWLIST)`,
    );
  return targets[0]!;
}
