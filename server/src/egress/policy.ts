/**
 * The egress policy of task code's `http`: which addresses a request may connect to.
 *
 * Only public unicast addresses are reachable by default. Loopback, private (RFC 1918),
 * link-local, carrier-grade NAT, unique-local and every other special range are refused, so task
 * code cannot reach Odoo's database manager, this sidecar's own endpoints or the cloud metadata
 * service. The check runs on the address a connection is actually made to (see agents.ts), so a
 * redirect or a DNS answer that changes between check and use cannot slip past it. The operator's
 * allowlist (`SYNC_STUDIO_EGRESS_ALLOW`) names host names or networks that are reachable anyway.
 */
import ipaddr from 'ipaddr.js';
import { SyncStudioError } from '../shared/errors.js';

export const EGRESS_SETTING = 'SYNC_STUDIO_EGRESS_ALLOW';

/** The refused ranges task code most often meets, named the way an operator knows them. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback (127.0.0.0/8, ::1)',
  private: 'private (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
  linkLocal: 'link-local (169.254.0.0/16, fe80::/10)',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  uniqueLocal: 'unique local (fc00::/7)',
  unspecified: 'unspecified (0.0.0.0/8, ::)',
};

export class EgressRefusedError extends SyncStudioError {
  constructor(message: string) {
    super('egress_refused', message, { status: 403 });
  }
}

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** One entry of the allowlist: an IP address, a CIDR network, or a host name. */
export function parseAllowEntry(entry: string): { kind: 'network'; network: Network } | { kind: 'host'; host: string } | undefined {
  const text = entry.trim();
  if (ipaddr.isValidCIDR(text)) return { kind: 'network', network: normalizeNetwork(ipaddr.parseCIDR(text)) };
  if (ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text))) {
    const address = ipaddr.process(text);
    return { kind: 'network', network: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(text)) {
    return { kind: 'host', host: text.toLowerCase() };
  }
  return undefined;
}

/** An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is matched as the IPv4 network it maps. */
function normalizeNetwork([address, bits]: Network): Network {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

export class EgressPolicy {
  private readonly hosts: ReadonlySet<string>;
  private readonly networks: readonly Network[];

  constructor(allow: readonly string[] = []) {
    const hosts = new Set<string>();
    const networks: Network[] = [];
    for (const entry of allow) {
      const parsed = parseAllowEntry(entry);
      if (!parsed) throw new RangeError(`${EGRESS_SETTING}: "${entry}" is neither a host name, an IP address nor a CIDR network`);
      if (parsed.kind === 'host') hosts.add(parsed.host);
      else networks.push(parsed.network);
    }
    this.hosts = hosts;
    this.networks = networks;
  }

  /** The scheme is http or https, and a host written as an IP address is allowed. */
  checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressRefusedError(`only http and https URLs can be requested, not ${url.protocol} URLs`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host)) this.checkAddress(host, host);
  }

  /** Throws EgressRefusedError unless `address` (which `hostname` resolved to) may be reached. */
  checkAddress(hostname: string, address: string): void {
    const refusal = this.refusal(hostname, address);
    if (refusal) throw refusal;
  }

  refusal(hostname: string, address: string): EgressRefusedError | undefined {
    if (this.hosts.has(hostname.toLowerCase().replace(/\.$/, ''))) return undefined;
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address.replace(/%.*$/, ''));
    } catch {
      return new EgressRefusedError(`${hostname} resolved to ${address}, which is not an IP address`);
    }
    const range = parsed.range();
    if (range === 'unicast') return undefined;
    if (this.networks.some((network) => parsed.kind() === network[0].kind() && parsed.match(network))) return undefined;
    const via = hostname === address ? address : `${hostname} (${address})`;
    return new EgressRefusedError(
      `${via} is a ${RANGE_NAMES[range] ?? `${range}`} address, which task code may not reach; ` +
        `an operator can allow hosts or networks with ${EGRESS_SETTING} (e.g. ${EGRESS_SETTING}=api.internal,10.1.2.0/24)`,
    );
  }
}
