import { ownEntry } from '../domain/own-entry.js';
/**
 * Why an attempt got no HTTP answer, in words a partner can act on. Retry policy follows from the class:
 * 'blocked' and 'invalid_url' will never succeed as configured; the rest are worth retrying.
 */
export type AttemptErrorClass =
  | 'timeout'
  | 'refused'
  | 'dns'
  | 'tls'
  | 'blocked'
  | 'reset'
  | 'unreachable'
  | 'protocol'
  | 'invalid_url'
  | 'aborted'
  | 'other';

const BY_CODE: Record<string, AttemptErrorClass> = {
  ERR_POSTBACK_BLOCKED: 'blocked',
  ERR_POSTBACK_INVALID_HOST: 'invalid_url',
  ERR_INVALID_URL: 'invalid_url',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EAI_NONAME: 'dns',
  ENODATA: 'dns',
  ESERVFAIL: 'dns',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  EPROTO: 'tls',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_INFO: 'protocol',
};

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
}

function classifyOne(e: ErrorLike): AttemptErrorClass | null {
  if (e.name === 'TimeoutError') return 'timeout'; // AbortSignal.timeout's reason
  if (e.name === 'AbortError') return 'aborted';
  const code = e.code ?? '';
  const known = ownEntry(BY_CODE, code);
  if (known) return known;
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT|SIGNATURE|ISSUER/.test(code)) return 'tls';
  if (code.startsWith('HPE_')) return 'protocol'; // llhttp could not parse the response
  return null;
}

/** Classifies an error from the connector, undici or the deadline, looking through `cause` chains. */
export function classifyNetworkError(err: unknown): AttemptErrorClass {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const c = classifyOne(e as ErrorLike);
    if (c) return c;
    e = (e as ErrorLike).cause;
  }
  return 'other';
}

/** One line for the attempt log: code and message, bounded, without stack traces. */
export function describeNetworkError(err: unknown): string {
  if (!err || typeof err !== 'object') return String(err).slice(0, 300);
  const e = err as ErrorLike;
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as ErrorLike) : null;
  const code = e.code ?? cause?.code;
  let text = e.message || e.name || 'error';
  if (cause?.message && !text.includes(cause.message)) text += `: ${cause.message}`;
  return (code && !text.includes(code) ? `${code}: ${text}` : text).slice(0, 300);
}
