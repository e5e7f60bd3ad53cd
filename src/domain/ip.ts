import { isIPv4, isIPv6 } from 'node:net';

/**
 * Keeps only the network part of an address: IPv4 /24 ("203.0.113.77" -> "203.0.113.0") and IPv6 /48
 * ("2001:db8:85a3:8d3::1" -> "2001:db8:85a3::"). That is enough to spot a burst of clicks from one network,
 * not enough to single out a person. IPv4-mapped IPv6 ("::ffff:203.0.113.77") is treated as IPv4, since that
 * is how a dual-stack socket reports IPv4 clients. Anything unparseable gives ''.
 */
export function truncateIp(raw: string | undefined | null): string {
  if (!raw) return '';
  let ip = raw.trim();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (isIPv4(ip)) return truncateV4(ip);
  if (!isIPv6(ip)) return '';
  const groups = expandV6(ip)?.map((g) => Number.parseInt(g, 16));
  if (!groups) return '';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [a = 0, b = 0] = groups.slice(6);
    return `${a >> 8}.${a & 0xff}.${b >> 8}.0`;
  }
  const head = groups.slice(0, 3).map((g) => g.toString(16));
  // Compress trailing zero groups of the prefix like the canonical form would ("2001:db8:0::" -> "2001:db8::").
  while (head.length > 0 && head[head.length - 1] === '0') head.pop();
  return `${head.join(':')}::`;
}

function truncateV4(ip: string): string {
  const last = ip.lastIndexOf('.');
  return `${ip.slice(0, last)}.0`;
}

/** Eight hex groups, or null. Embedded IPv4 tails ("64:ff9b::1.2.3.4") count as two groups. */
function expandV6(ip: string): string[] | null {
  let s = ip;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4?.[1]) {
    const o = v4[1].split('.').map(Number);
    const hi = (((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16);
    const lo = (((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16);
    s = `${s.slice(0, v4.index)}${hi}:${lo}`;
  }
  const [left = '', right] = s.split('::');
  const l = left ? left.split(':') : [];
  if (right === undefined) return l.length === 8 ? l : null;
  const r = right ? right.split(':') : [];
  const fill = 8 - l.length - r.length;
  if (fill < 0) return null;
  return [...l, ...Array<string>(fill).fill('0'), ...r];
}
