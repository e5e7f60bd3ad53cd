import { BlockList, isIP } from 'node:net';

/**
 * Which peers may tell us who the client is (TRUST_PROXY). Fastify walks X-Forwarded-For from the right,
 * skipping addresses this trusts, so the client is the right-most address not in the list; with the list
 * empty the socket's address is the client and every forwarded or CDN header is ignored (anyone can send them).
 */
export interface TrustedProxies {
  /** True when `address` is one of the trusted proxies (IPv4-mapped IPv6 matches its IPv4 entry). */
  trusts(address: string | undefined): boolean;
}

export function createTrustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return { trusts: () => false };
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', prefix] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(prefix), type);
  }
  return {
    trusts(address) {
      if (!address) return false;
      const family = isIP(address);
      if (family === 0) return false;
      return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
