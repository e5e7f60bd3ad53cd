/**
 * Which IP addresses a partner postback may reach. Partners choose the URL, so without this policy a
 * postback could read cloud credentials (169.254.169.254) or poke services on our own network.
 *
 * Everything here works on our own parse of the address, never on string prefixes: "0x7f.1", "2130706433",
 * "::ffff:7f00:1" and "127.0.0.1" are the same host, and only a numeric parse sees that.
 */

/** Why an address is refused. Stable strings: they end up in the attempt log and in chat messages. */
export type AddressReason =
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'metadata'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'broadcast'
  | 'ula'
  | 'ipv4_compatible';

/** IPv6 forms that carry an IPv4 address inside: the embedded address decides. */
export type AddressVia = 'ipv4_mapped' | 'nat64' | '6to4';

export interface AddressVerdict {
  reason: AddressReason;
  via?: AddressVia;
}

export type HostLiteral =
  | { kind: 'ip'; family: 4 | 6; address: string }
  | { kind: 'name'; name: string }
  | { kind: 'invalid'; message: string };

/**
 * Refused even when private networks are allowed: no closed-network partner lives at a cloud metadata
 * endpoint, and 0.0.0.0 means "this host" to Linux, which is a trick rather than a destination.
 */
const ALWAYS_FORBIDDEN = new Set<AddressReason>(['invalid', 'metadata', 'unspecified', 'multicast', 'broadcast']);

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** Cloud instance metadata and credential endpoints (AWS, GCP, Azure, Alibaba, ECS, EKS). */
const METADATA_V4 = new Set([
  v4(169, 254, 169, 254),
  v4(169, 254, 170, 2),
  v4(169, 254, 170, 23),
  v4(100, 100, 100, 200),
  v4(168, 63, 129, 16),
]);
const METADATA_V6 = new Set(['fd00:ec2::254', 'fd00:ec2::23']);

/** First match wins; /32 and narrower exceptions are checked before this table. */
const V4_RANGES: [number, number, AddressReason][] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link_local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'benchmarking'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

function classifyV4(n: number): AddressReason | null {
  if (n === 0xffffffff) return 'broadcast';
  if (METADATA_V4.has(n)) return 'metadata';
  for (const [base, bits, reason] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === base) return reason;
  }
  return null;
}

function classifyV6(g: number[]): AddressVerdict | null {
  const zeroUpTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  const embedded = ((g[6]! << 16) | g[7]!) >>> 0;
  const inner = (n: number, via: AddressVia): AddressVerdict | null => {
    const reason = classifyV4(n);
    return reason ? { reason, via } : null;
  };
  if (zeroUpTo(8)) return { reason: 'unspecified' };
  if (zeroUpTo(7) && g[7] === 1) return { reason: 'loopback' };
  // ::ffff:a.b.c.d reaches a.b.c.d on a dual-stack socket, so the IPv4 rules apply to it.
  if (zeroUpTo(5) && g[5] === 0xffff) return inner(embedded, 'ipv4_mapped');
  // ::a.b.c.d is deprecated and never a legitimate destination; ::1 hides inside it.
  if (zeroUpTo(6)) return { reason: 'ipv4_compatible' };
  // NAT64 translates 64:ff9b::a.b.c.d to a.b.c.d: legitimate for public targets, a bypass for private ones.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return inner(embedded, 'nat64');
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return { reason: 'private' };
  if (g[0] === 0x2002) return inner(((g[1]! << 16) | g[2]!) >>> 0, '6to4');
  if (METADATA_V6.has(formatV6(g))) return { reason: 'metadata' };
  if ((g[0]! & 0xfe00) === 0xfc00) return { reason: 'ula' };
  if ((g[0]! & 0xffc0) === 0xfe80) return { reason: 'link_local' };
  if ((g[0]! & 0xffc0) === 0xfec0) return { reason: 'private' }; // deprecated site-local
  if ((g[0]! & 0xff00) === 0xff00) return { reason: 'multicast' };
  if (g[0] === 0x2001 && g[1] === 0xdb8) return { reason: 'documentation' };
  if (g[0] === 0x3fff && g[1]! < 0x1000) return { reason: 'documentation' };
  // 2001::/23 holds Teredo, benchmarking and ORCHID: IANA marks them not globally reachable.
  if (g[0] === 0x2001 && g[1]! < 0x200) return { reason: 'reserved' };
  if (g[0] === 0x5f00) return { reason: 'reserved' };
  // Only 2000::/3 is allocated global unicast; the rest (100::/64 discard, ::ffff:0:0:0/96 ...) is not.
  if ((g[0]! & 0xe000) !== 0x2000) return { reason: 'reserved' };
  return null;
}

/** Classifies an address in any textual form (bracketed, zone id, WHATWG IPv4 shorthands). */
export function classifyAddress(ip: string): AddressVerdict | null {
  const lit = parseHostLiteral(ip);
  if (lit.kind !== 'ip') return { reason: 'invalid' };
  if (lit.family === 4) {
    const reason = classifyV4(parseIPv4(lit.address) as number);
    return reason ? { reason } : null;
  }
  return classifyV6(parseIPv6(lit.address)!);
}

/**
 * Why `ip` must never be reached by a postback, or null for a public address. Embedded IPv4 reasons carry
 * their form as a prefix, e.g. 'ipv4_mapped_loopback' for ::ffff:127.0.0.1. Anything that is not an IP
 * address at all is 'invalid' (names must be resolved first).
 */
export function isForbiddenAddress(ip: string): string | null {
  const v = classifyAddress(ip);
  if (!v) return null;
  return v.via ? `${v.via}_${v.reason}` : v.reason;
}

/**
 * The send-time policy: with `allowPrivateNetworks` (tests, closed networks) loopback, private, link-local,
 * CGNAT, ULA and reserved ranges become reachable; metadata, unspecified, multicast and broadcast never do.
 */
export function addressBlockReason(ip: string, opts: { allowPrivateNetworks: boolean }): string | null {
  const v = classifyAddress(ip);
  if (!v) return null;
  if (opts.allowPrivateNetworks && !ALWAYS_FORBIDDEN.has(v.reason)) return null;
  return v.via ? `${v.via}_${v.reason}` : v.reason;
}

/**
 * Recognises a literal IP in a URL host in every notation the WHATWG URL parser accepts (so what we check
 * is what a client would connect to): "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "127.0.0.1.",
 * "[::ffff:127.0.0.1]", "::1%eth0". Returns the canonical address, or the name to resolve.
 */
export function parseHostLiteral(host: string): HostLiteral {
  let h = host.trim().toLowerCase();
  if (h === '') return { kind: 'invalid', message: 'the host is empty' };
  if (h.startsWith('[') || h.includes(':')) {
    if (h.startsWith('[')) {
      if (!h.endsWith(']')) return { kind: 'invalid', message: `"${host}" has an unclosed [` };
      h = h.slice(1, -1);
    }
    const groups = parseIPv6(h);
    if (!groups) return { kind: 'invalid', message: `"${host}" is not a valid IPv6 address` };
    return { kind: 'ip', family: 6, address: formatV6(groups) };
  }
  if (endsInNumber(h)) {
    const n = parseIPv4(h);
    if (n === null) return { kind: 'invalid', message: `"${host}" looks like an IPv4 address but is not a valid one` };
    return { kind: 'ip', family: 4, address: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') };
  }
  return { kind: 'name', name: h.endsWith('.') ? h.slice(0, -1) : h };
}

/** WHATWG "ends in a number": such hosts are parsed as IPv4 (or refused), never looked up in DNS. */
function endsInNumber(h: string): boolean {
  const parts = h.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  const last = parts.at(-1) ?? '';
  return /^\d+$/.test(last) || /^0x[0-9a-f]*$/.test(last);
}

/** WHATWG IPv4 parser: 1 to 4 parts, each decimal, 0x-hex or 0-octal; the last part fills the rest. */
function parseIPv4(h: string): number | null {
  const parts = h.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const nums: bigint[] = [];
  for (const p of parts) {
    let digits = p;
    let radix = 10;
    if (/^0x/.test(p)) {
      digits = p.slice(2) || '0';
      radix = 16;
    } else if (p.length > 1 && p.startsWith('0')) {
      digits = p.slice(1);
      radix = 8;
    }
    const ok = radix === 16 ? /^[0-9a-f]+$/ : radix === 8 ? /^[0-7]+$/ : /^\d+$/;
    if (!ok.test(digits) || digits.length > 40) return null;
    const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
    nums.push(BigInt(prefix + digits));
  }
  const last = nums.pop()!;
  if (nums.some((x) => x > 255n)) return null;
  if (last >= 256n ** BigInt(5 - parts.length)) return null;
  let n = last;
  nums.forEach((x, i) => {
    n += x * 256n ** BigInt(3 - i);
  });
  return Number(n);
}

/** RFC 4291 text form to eight 16-bit groups; a zone id ("%eth0") is dropped. Null when malformed. */
function parseIPv6(input: string): number[] | null {
  let s = input.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const quad = s.slice(lastColon + 1).split('.');
    if (quad.length !== 4 || !quad.every((q) => /^(0|[1-9]\d{0,2})$/.test(q) && Number(q) <= 255)) return null;
    const [a, b, c, d] = quad.map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    // Drop the quad; keep "::" intact so "::1.2.3.4" still compresses, else drop the separating colon.
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const group = (x: string) => (/^[0-9a-f]{1,4}$/.test(x) ? Number.parseInt(x, 16) : Number.NaN);
  const head = halves[0] ? halves[0].split(':').map(group) : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':').map(group) : [];
  const all = [...head, ...rest, ...tail];
  if (all.some(Number.isNaN)) return null;
  if (halves.length === 1) return all.length === 8 ? all : null;
  if (all.length > 7) return null;
  return [...head, ...new Array<number>(8 - all.length).fill(0), ...rest, ...tail];
}

/** RFC 5952 form: lower-case hex, the first longest run (>= 2) of zero groups as "::". */
function formatV6(g: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
