import { lookup } from 'node:dns/promises';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import { addressBlockReason, parseHostLiteral } from '../domain/address-policy.js';

/** Resolves a host name to its addresses (textual IPs). Injected in tests to play DNS without a DNS server. */
export type ResolveHost = (host: string) => Promise<string[]>;

export const systemResolve: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A postback target we refuse to reach. The code lets the error classifier tell it from network failures. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
  readonly code = 'ERR_POSTBACK_BLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    const via = host === address ? address : `${host} resolves to ${address}`;
    super(`${via}, a ${reason.replace(/_/g, ' ')} address: postbacks may only go to public addresses`);
  }
}

export class InvalidHostError extends Error {
  override name = 'InvalidHostError';
  readonly code = 'ERR_POSTBACK_INVALID_HOST';
}

export interface HostPolicy {
  allowPrivateNetworks: boolean;
  resolve?: ResolveHost;
  /** Bounds the DNS look-up: getaddrinfo has no deadline of its own. */
  timeoutMs?: number;
}

/**
 * Resolves `host` and checks EVERY address: a name answering with a public and a private address is refused
 * as a whole, since which one a connection picks is not ours to predict. Literal IPs (in any notation) skip
 * DNS. Throws BlockedAddressError, InvalidHostError, or the resolver's error (ENOTFOUND ...).
 * The save-time check ("the host must resolve to a public address") uses this too.
 */
export async function resolveAllowedAddresses(host: string, policy: HostPolicy): Promise<string[]> {
  const lit = parseHostLiteral(host);
  if (lit.kind === 'invalid') throw new InvalidHostError(lit.message);
  const addresses =
    lit.kind === 'ip'
      ? [lit.address]
      : await withTimeout((policy.resolve ?? systemResolve)(lit.name), policy.timeoutMs);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no addresses`), { code: 'ENOTFOUND' });
  for (const address of addresses) {
    const reason = addressBlockReason(address, policy);
    if (reason) throw new BlockedAddressError(lit.kind === 'ip' ? address : host, address, reason);
  }
  return addresses;
}

function withTimeout<T>(p: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`DNS look-up took over ${ms} ms`), { code: 'EAI_AGAIN' })),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Connection set-up errors after which the host's next address is worth a try. */
const TRY_NEXT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * An undici connector that resolves the name itself, checks the addresses, then connects to the checked
 * IP (TLS still verifies the certificate against the name, via SNI/servername from the origin). There is no
 * second look-up, so DNS rebinding between check and connect has nothing to win; the socket's actual remote
 * address is checked once more before the first byte is written.
 */
export function createGuardedConnector(
  policy: HostPolicy & { onConnected?: (origin: string, address: string) => void },
): buildConnector.connector {
  const base = buildConnector({ timeout: policy.timeoutMs ?? 10_000 });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    const origin = `${options.protocol}//${options.host ?? options.hostname}`;
    const attempt = (addresses: string[], i: number) => {
      base({ ...options, hostname: addresses[i]! }, (err, socket) => {
        if (err || !socket) {
          const code = (err as { code?: string } | null)?.code ?? '';
          if (TRY_NEXT.has(code) && i + 1 < addresses.length) return attempt(addresses, i + 1);
          return callback(err ?? new Error('connect failed'), null);
        }
        const remote = (socket as Socket).remoteAddress;
        const reason = remote ? addressBlockReason(remote, policy) : 'unknown';
        if (reason) {
          socket.destroy();
          return callback(new BlockedAddressError(host, remote ?? '?', reason), null);
        }
        policy.onConnected?.(origin, remote!);
        return callback(null, socket);
      });
    };
    resolveAllowedAddresses(host, policy).then(
      (addresses) => attempt(addresses, 0),
      (err: Error) => callback(err, null),
    );
  };
}
