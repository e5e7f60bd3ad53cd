import { LRUCache } from 'lru-cache';
import { Agent } from 'undici';
import { addressBlockReason, parseHostLiteral } from '../domain/address-policy.js';
import { type AttemptErrorClass, classifyNetworkError, describeNetworkError } from './classify-error.js';
import { Exchange, ExchangeError, SignalWatchers } from './exchange.js';
import { BlockedAddressError, createGuardedConnector, type ResolveHost } from './guarded-connector.js';

export type { AttemptErrorClass } from './classify-error.js';
export { type HostPolicy, type ResolveHost, resolveAllowedAddresses } from './guarded-connector.js';

export interface SafeHttpOptions {
  /** POSTBACK_ALLOW_PRIVATE_NETWORKS: loopback/private become reachable; metadata endpoints never do. */
  allowPrivateNetworks: boolean;
  /** One deadline for DNS + connect + TLS + headers + body, so a slow-drip receiver cannot hold a worker. */
  timeoutMs?: number;
  /** Read at most this much of a response, then drop the connection. */
  maxResponseBytes?: number;
  userAgent?: string;
  /** Replaces DNS (tests: make "metadata.test" resolve to 169.254.169.254). */
  resolve?: ResolveHost;
}

export interface SafeRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Ends the attempt early (shutdown); reported as errorClass 'aborted'. */
  signal?: AbortSignal;
}

/** One attempt, as the relay records it. Network failures are results, never exceptions. */
export interface AttemptResult {
  /** true only for a 2xx whose body (up to the cap) arrived within the deadline. */
  ok: boolean;
  status?: number;
  durationMs: number;
  errorClass?: AttemptErrorClass;
  errorMessage?: string;
  /** First ~1 KiB of the response as text; for a 3xx it starts with "Location: ...". */
  bodySnippet: string;
  /** Bytes of the body read (at most maxResponseBytes) and whether we stopped early. */
  bodyBytes: number;
  bodyTruncated: boolean;
  /** Only the headers the relay acts on or shows: retry-after, location, content-type. */
  headers: Record<string, string>;
  /** The peer address of the connection opened for this origin (pooled connections share it). */
  connectedAddress?: string;
}

export interface SafeHttpClient {
  send(req: SafeRequest): Promise<AttemptResult>;
  close(): Promise<void>;
}

const SNIPPET_BYTES = 1024;
const KEPT_HEADERS = ['retry-after', 'location', 'content-type'];
const MAX_REMEMBERED_ORIGINS = 10_000;
const utf8 = new TextDecoder();

/**
 * The only way partnerdesk talks to partner URLs. An explicit Agent (never the global dispatcher, never
 * EnvHttpProxyAgent) so HTTP_PROXY and friends cannot reroute postbacks; no redirect handling at all, so a
 * 3xx is just a non-2xx answer and a partner cannot bounce us to an internal address.
 */
export function createSafeHttpClient(opts: SafeHttpOptions): SafeHttpClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxResponseBytes = opts.maxResponseBytes ?? 64 * 1024;
  const userAgent = opts.userAgent ?? 'partnerdesk-postback/1';
  const connectedTo = new LRUCache<string, string>({ max: MAX_REMEMBERED_ORIGINS });
  // The per-request deadline decides; the connector's own DNS and connect timeouts sit just past it and only
  // free resources, so a hung look-up is reported as the 'timeout' it is to the partner.
  const policy = {
    allowPrivateNetworks: opts.allowPrivateNetworks,
    resolve: opts.resolve,
    timeoutMs: timeoutMs + 1000,
  };
  const watchers = new SignalWatchers();
  // Per client, like its Agent: a pure function of the host name and the policy, and relays send to a few
  // hosts over and over.
  const hostVerdicts: HostVerdicts = new LRUCache({ max: MAX_REMEMBERED_ORIGINS });
  const agent = new Agent({
    connect: createGuardedConnector({
      ...policy,
      onConnected: (origin, address) => {
        connectedTo.set(origin, address);
      },
    }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
  });

  async function send(req: SafeRequest): Promise<AttemptResult> {
    const started = performance.now();
    const result = (r: Partial<AttemptResult>): AttemptResult => ({
      ok: false,
      bodySnippet: '',
      bodyBytes: 0,
      bodyTruncated: false,
      headers: {},
      ...r,
      durationMs: Math.round(performance.now() - started),
    });
    const refused = checkUrl(req.url, opts.allowPrivateNetworks, hostVerdicts);
    if ('errorClass' in refused) return result(refused);
    const { url } = refused;

    const exchange = new Exchange(maxResponseBytes);
    let timedOut = false;
    // One cleared timer per attempt, no AbortController: at thousands of sends a second, signals and their
    // listeners were a visible share of the sender's CPU.
    const timer = setTimeout(() => {
      timedOut = true;
      exchange.stop(new DOMException('deadline', 'TimeoutError'));
    }, timeoutMs);
    const unwatch = req.signal ? watchers.watch(req.signal, exchange) : null;
    try {
      if (req.signal?.aborted) exchange.stop(new Error('aborted'));
      else
        agent.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: req.method,
            headers: { 'user-agent': userAgent, ...req.headers },
            body: req.body ?? null,
          },
          exchange,
        );
      const res = await exchange.done;
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const v = res.headers[name];
        if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      // NUL cannot be stored in a PostgreSQL text column; a binary answer must not lose the attempt row.
      let snippet = utf8.decode(res.bytes.subarray(0, SNIPPET_BYTES)).replaceAll('\u0000', '\uFFFD');
      if (res.status >= 300 && res.status < 400 && headers.location) {
        snippet = `Location: ${headers.location}\n${snippet}`;
      }
      return result({
        ok: res.status >= 200 && res.status < 300,
        status: res.status,
        bodySnippet: snippet,
        bodyBytes: res.bytes.length,
        bodyTruncated: res.truncated,
        headers,
        connectedAddress: connectedTo.get(url.origin),
      });
    } catch (thrown) {
      const err = thrown instanceof ExchangeError ? thrown.cause : thrown;
      let errorClass = classifyNetworkError(err);
      if (req.signal?.aborted) errorClass = 'aborted';
      else if (timedOut && (errorClass === 'aborted' || errorClass === 'other')) errorClass = 'timeout';
      const status = thrown instanceof ExchangeError ? thrown.status : undefined;
      return result({
        errorClass,
        errorMessage:
          errorClass === 'timeout'
            ? `no complete answer within ${timeoutMs} ms`
            : errorClass === 'aborted'
              ? 'stopped before an answer: the worker is shutting down'
              : describeNetworkError(err),
        // A status here means the headers came but the body did not finish in time.
        ...(status ? { status } : {}),
        connectedAddress: err instanceof BlockedAddressError ? undefined : connectedTo.get(url.origin),
      });
    } finally {
      clearTimeout(timer);
      unwatch?.();
    }
  }

  return { send, close: () => agent.close() };
}

/** Scheme, credentials and literal-IP checks that need no socket; names are checked by the connector. */
function checkUrl(raw: string, allowPrivateNetworks: boolean, verdicts: HostVerdicts): { url: URL } | Refusal {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { errorClass: 'invalid_url', errorMessage: `not a valid URL: ${raw.slice(0, 200)}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { errorClass: 'invalid_url', errorMessage: `only http and https URLs are sent, got ${url.protocol}` };
  }
  if (url.username || url.password) {
    return { errorClass: 'invalid_url', errorMessage: 'URLs with user:password@ are not sent' };
  }
  const refused = hostRefusal(url.hostname, allowPrivateNetworks, verdicts);
  return refused ?? { url };
}

/** Why a URL is not sent, before any socket opens. */
type Refusal = { errorClass: AttemptErrorClass; errorMessage: string };

/** Boxed: an LRU holds no null, and "nothing against this host" (null) is the answer most worth keeping. */
type HostVerdicts = LRUCache<string, { verdict: Refusal | null }>;

function hostRefusal(hostname: string, allowPrivateNetworks: boolean, hostVerdicts: HostVerdicts): Refusal | null {
  const key = `${allowPrivateNetworks ? 1 : 0}${hostname}`;
  const known = hostVerdicts.get(key);
  if (known !== undefined) return known.verdict;
  let verdict: Refusal | null = null;
  const lit = parseHostLiteral(hostname);
  if (lit.kind === 'invalid') verdict = { errorClass: 'invalid_url', errorMessage: lit.message };
  else if (lit.kind === 'ip') {
    const reason = addressBlockReason(lit.address, { allowPrivateNetworks });
    if (reason) {
      verdict = {
        errorClass: 'blocked',
        errorMessage: new BlockedAddressError(lit.address, lit.address, reason).message,
      };
    }
  }
  hostVerdicts.set(key, { verdict });
  return verdict;
}
