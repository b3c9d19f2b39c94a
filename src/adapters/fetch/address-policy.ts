import ipaddr from "ipaddr.js";

/**
 * Which IP addresses the fetcher may connect to. Pure functions, no I/O.
 *
 * The rule is "public unicast only": anything ipaddr.js classifies as a special-purpose range
 * is refused, plus the ranges it calls unicast but that still reach local or cloud-internal
 * services (IPv4-compatible IPv6, cloud metadata endpoints on public addresses). IPv6 forms
 * that embed an IPv4 address (mapped, translated, NAT64, 6to4) are judged by the embedded one.
 * An explicit allow list (FETCH_ALLOW_PRIVATE) overrides all of it.
 */

type IP = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [IP, number];

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Parsed FETCH_ALLOW_PRIVATE entries. Build once with parseAllowList. */
export interface AllowList {
  readonly ranges: readonly Cidr[];
}

export const EMPTY_ALLOW_LIST: AllowList = { ranges: [] };

/** Parses IPs and CIDR ranges ("127.0.0.1", "10.0.0.0/8", "::1"); throws on an invalid entry. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const ranges: Cidr[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry.includes("/")) {
      if (!ipaddr.isValidCIDR(entry)) throw new Error(`Allow-list entry "${entry}" is not a valid CIDR range`);
      ranges.push(ipaddr.parseCIDR(entry));
    } else {
      if (!ipaddr.isValid(entry)) throw new Error(`Allow-list entry "${entry}" is not a valid IP address`);
      const ip = ipaddr.parse(entry);
      ranges.push([ip, ip.kind() === "ipv4" ? 32 : 128]);
    }
  }
  return { ranges };
}

/** Metadata services reachable from cloud VMs, some of them on addresses that look public. */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set(
  [
    "169.254.169.254", // AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2", // AWS ECS task metadata
    "169.254.169.253", // AWS VPC DNS
    "100.100.100.200", // Alibaba Cloud
    "168.63.129.16", // Azure WireServer (a public address)
    "192.0.0.192", // Oracle Cloud
    "fd00:ec2::254", // AWS IMDS over IPv6
    "fd00:ec2::253", // AWS VPC DNS over IPv6
  ].map((a) => ipaddr.parse(a).toNormalizedString()),
);

const IPV4_REASONS: Record<string, string> = {
  unspecified: "unspecified address (0.0.0.0/8)",
  broadcast: "broadcast address",
  multicast: "multicast address",
  linkLocal: "link-local address",
  loopback: "loopback address",
  carrierGradeNat: "carrier-grade NAT address (100.64.0.0/10)",
  private: "private network address",
  reserved: "reserved, benchmarking or documentation address",
  as112: "AS112 DNS sink address",
  amt: "AMT relay address",
};

const IPV6_REASONS: Record<string, string> = {
  unspecified: "unspecified IPv6 address (::)",
  linkLocal: "link-local IPv6 address (fe80::/10)",
  multicast: "multicast IPv6 address (ff00::/8)",
  loopback: "loopback IPv6 address (::1)",
  uniqueLocal: "unique-local IPv6 address (fc00::/7)",
  deprecatedSiteLocal: "site-local IPv6 address (fec0::/10)",
  discard: "discard-only IPv6 address (100::/64)",
  teredo: "Teredo tunnel address (2001::/32)",
  benchmarking: "benchmarking IPv6 address",
  amt: "AMT relay IPv6 address",
  as112v6: "AS112 DNS sink IPv6 address",
  deprecatedOrchid: "ORCHID address",
  orchid2: "ORCHID address",
  droneRemoteIdProtocolEntityTags: "drone remote ID address",
  segmentRouting: "segment-routing IPv6 address",
  reserved: "reserved or documentation IPv6 address",
};

const NAT64_WELL_KNOWN: Cidr = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * Rewrites an IPv6 dotted-quad tail as two hex groups ("::8.8.8.8" → "::808:808"), because
 * ipaddr.js reads "::a.b.c.d" as the mapped "::ffff:a.b.c.d", while inet_ntop prints the
 * IPv4-compatible ::/96 form exactly like that.
 */
function hexTail(v6: string): string {
  const match = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(%.*)?$/.exec(v6);
  if (match === null) return v6;
  const octets = match.slice(2, 6).map(Number) as [number, number, number, number];
  if (octets.some((octet) => octet > 255)) return v6;
  const hi = ((octets[0] << 8) | octets[1]).toString(16);
  const lo = ((octets[2] << 8) | octets[3]).toString(16);
  return `${match[1]}${hi}:${lo}${match[6] ?? ""}`;
}

function parseIp(ip: string): IP | undefined {
  const unbracketed = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  const bare = unbracketed.includes(":") ? hexTail(unbracketed) : unbracketed;
  if (!ipaddr.isValid(bare)) return undefined;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

function inAllowList(ip: IP, allowList: AllowList): boolean {
  return allowList.ranges.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
}

/** The IPv4 address carried in 16-bit parts [hi, lo] of an IPv6 address. */
function embeddedV4(v6: ipaddr.IPv6, hiIndex: number): ipaddr.IPv4 {
  const hi = v6.parts[hiIndex] ?? 0;
  const lo = v6.parts[hiIndex + 1] ?? 0;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function checkV4(ip: ipaddr.IPv4): AddressVerdict {
  if (METADATA_ADDRESSES.has(ip.toNormalizedString())) return { allowed: false, reason: "cloud metadata endpoint" };
  const range = ip.range();
  if (range === "unicast") return { allowed: true };
  return { allowed: false, reason: IPV4_REASONS[range] ?? `special-purpose address (${range})` };
}

function checkEmbedded(v4: ipaddr.IPv4, form: string): AddressVerdict {
  const inner = checkV4(v4);
  if (inner.allowed) return inner;
  return { allowed: false, reason: `${form} embedding a ${inner.reason} (${v4.toString()})` };
}

function checkV6(ip: ipaddr.IPv6): AddressVerdict {
  if (ip.zoneId !== undefined) return { allowed: false, reason: "IPv6 address with a zone index (link-local scope)" };
  if (METADATA_ADDRESSES.has(ip.toNormalizedString())) return { allowed: false, reason: "cloud metadata endpoint" };
  const range = ip.range();
  switch (range) {
    case "ipv4Mapped":
      return checkEmbedded(ip.toIPv4Address(), "IPv4-mapped IPv6 address");
    case "rfc6145":
      return checkEmbedded(embeddedV4(ip, 6), "IPv4-translated IPv6 address");
    case "rfc6052":
      // Only the well-known /96 prefix carries the IPv4 address in the last 32 bits; the
      // local-use prefix (64:ff9b:1::/48) belongs to a private translator.
      return ip.match(NAT64_WELL_KNOWN)
        ? checkEmbedded(embeddedV4(ip, 6), "NAT64 address")
        : { allowed: false, reason: "local-use NAT64 address (64:ff9b:1::/48)" };
    case "6to4":
      return checkEmbedded(embeddedV4(ip, 1), "6to4 address");
    case "unicast": {
      // ::/96 other than :: and ::1 is the deprecated IPv4-compatible form (::127.0.0.1).
      const compatible = ip.parts.slice(0, 6).every((part) => part === 0);
      return compatible
        ? { allowed: false, reason: "IPv4-compatible IPv6 address (deprecated ::/96)" }
        : { allowed: true };
    }
    default:
      return { allowed: false, reason: IPV6_REASONS[range] ?? `special-purpose IPv6 address (${range})` };
  }
}

/**
 * Whether the fetcher may connect to `ip` (IPv4 or IPv6 text, brackets tolerated).
 * `allowList` may be pre-parsed (preferred on hot paths) or raw entries.
 */
export function checkAddress(ip: string, allowList: AllowList | readonly string[] = EMPTY_ALLOW_LIST): AddressVerdict {
  const parsed = parseIp(ip);
  if (parsed === undefined) return { allowed: false, reason: "not an IP address" };
  const allow = isAllowList(allowList) ? allowList : parseAllowList(allowList);
  if (inAllowList(parsed, allow)) return { allowed: true };
  if (parsed.kind() === "ipv4") return checkV4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  // A mapped address connects to its IPv4 address, so the allow list applies to that too.
  if (v6.isIPv4MappedAddress() && inAllowList(v6.toIPv4Address(), allow)) return { allowed: true };
  return checkV6(v6);
}

function isAllowList(value: AllowList | readonly string[]): value is AllowList {
  return !Array.isArray(value);
}
