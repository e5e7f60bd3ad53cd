import { Agent } from 'undici';
import { addressBlockReason, parseHostLiteral } from '../domain/address-policy.js';
import { type AttemptErrorClass, classifyNetworkError, describeNetworkError } from './classify-error.js';
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

/**
 * The only way partnerdesk talks to partner URLs. An explicit Agent (never the global dispatcher, never
 * EnvHttpProxyAgent) so HTTP_PROXY and friends cannot reroute postbacks; no redirect handling at all, so a
 * 3xx is just a non-2xx answer and a partner cannot bounce us to an internal address.
 */
export function createSafeHttpClient(opts: SafeHttpOptions): SafeHttpClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxResponseBytes = opts.maxResponseBytes ?? 64 * 1024;
  const userAgent = opts.userAgent ?? 'partnerdesk-postback/1';
  const connectedTo = new Map<string, string>();
  // The per-request deadline decides; the connector's own DNS and connect timeouts sit just past it and only
  // free resources, so a hung look-up is reported as the 'timeout' it is to the partner.
  const policy = {
    allowPrivateNetworks: opts.allowPrivateNetworks,
    resolve: opts.resolve,
    timeoutMs: timeoutMs + 1000,
  };
  const agent = new Agent({
    connect: createGuardedConnector({
      ...policy,
      onConnected: (origin, address) => {
        if (connectedTo.size >= MAX_REMEMBERED_ORIGINS) connectedTo.clear();
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
    const refused = checkUrl(req.url, opts.allowPrivateNetworks);
    if ('errorClass' in refused) return result(refused);
    const { url } = refused;

    // A cleared timer rather than AbortSignal.timeout: at thousands of sends a second, finished attempts
    // should not leave ten seconds' worth of pending timers behind.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('deadline', 'TimeoutError')), timeoutMs);
    // A listener removed when the attempt ends, not AbortSignal.any: the caller's signal (the relay's
    // shutdown) lives for the whole process, and on Node 20 every any() over it would stay attached to it.
    const onStop = () => deadline.abort(req.signal?.reason);
    // An 'abort' listener added to a signal that is already aborted never fires.
    if (req.signal?.aborted) onStop();
    else req.signal?.addEventListener('abort', onStop, { once: true });
    const signal = deadline.signal;
    let status: number | undefined;
    try {
      const exchange = async () => {
        const res = await agent.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: { 'user-agent': userAgent, ...req.headers },
          body: req.body,
          signal,
        });
        status = res.statusCode;
        const body = await readCapped(res.body, maxResponseBytes);
        return { res, body };
      };
      // The connector may still be resolving when the deadline passes, and undici only applies the signal
      // once a connection exists; racing here keeps the deadline hard.
      const { res, body } = await raceSignal(exchange(), signal);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const v = res.headers[name];
        if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      // NUL cannot be stored in a PostgreSQL text column; a binary answer must not lose the attempt row.
      let snippet = new TextDecoder().decode(body.bytes.subarray(0, SNIPPET_BYTES)).replaceAll('\u0000', '\uFFFD');
      if (res.statusCode >= 300 && res.statusCode < 400 && headers.location) {
        snippet = `Location: ${headers.location}\n${snippet}`;
      }
      return result({
        ok: res.statusCode >= 200 && res.statusCode < 300,
        status: res.statusCode,
        bodySnippet: snippet,
        bodyBytes: body.bytes.length,
        bodyTruncated: body.truncated,
        headers,
        connectedAddress: connectedTo.get(url.origin),
      });
    } catch (err) {
      let errorClass = classifyNetworkError(err);
      if (req.signal?.aborted) errorClass = 'aborted';
      else if (deadline.signal.aborted && (errorClass === 'aborted' || errorClass === 'other')) errorClass = 'timeout';
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
      req.signal?.removeEventListener('abort', onStop);
    }
  }

  return { send, close: () => agent.close() };
}

/** Scheme, credentials and literal-IP checks that need no socket; names are checked by the connector. */
function checkUrl(
  raw: string,
  allowPrivateNetworks: boolean,
): { url: URL } | { errorClass: AttemptErrorClass; errorMessage: string } {
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
  const lit = parseHostLiteral(url.hostname);
  if (lit.kind === 'invalid') return { errorClass: 'invalid_url', errorMessage: lit.message };
  if (lit.kind === 'ip') {
    const reason = addressBlockReason(lit.address, { allowPrivateNetworks });
    if (reason)
      return { errorClass: 'blocked', errorMessage: new BlockedAddressError(lit.address, lit.address, reason).message };
  }
  return { url };
}

/** Reads up to `max` bytes, then destroys the stream: an endless or huge body costs us nothing more. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, max: number) {
  const chunks: Buffer[] = [];
  let n = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      if (chunk.length > max - n) {
        chunks.push(chunk.subarray(0, max - n));
        n = max;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      n += chunk.length;
    }
  } finally {
    if (truncated) body.destroy();
  }
  return { bytes: Buffer.concat(chunks, n), truncated };
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The exchange still settles (rejected by the same abort); nobody else is listening to it.
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
