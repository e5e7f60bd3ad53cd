import { LRUCache } from 'lru-cache';
import type { DeliveryForSend } from '../../db/repositories/deliveries.js';
import { formatDecimal } from '../../domain/money.js';
import { expandJsonBody, expandPostback, type PostbackValues } from '../../domain/postback-template.js';

/** What is sent for one postback: the expanded URL and, for POST, the body. */
export interface PostbackRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PostbackShape {
  url: string;
  method: 'GET' | 'POST';
  bodyFormat: 'none' | 'form' | 'json';
  bodyTemplate: string;
}

/** What the macros are filled from: a delivery, or a conversion a test fire names. */
export type PostbackSource = Pick<DeliveryForSend, 'payout' | 'status' | 'conversion' | 'click'>;

/** CONTRACT.md's macros for one conversion event. */
export function postbackValues(s: PostbackSource, postbackId: string | number): PostbackValues {
  return {
    ref_id: s.click.refId,
    aff_payout: formatDecimal(s.payout, s.conversion.currency),
    clickid: s.click.clickId,
    type: s.conversion.type,
    status: s.status,
    txid: s.conversion.txid,
    campaign_id: s.conversion.campaignId,
    currency: s.conversion.currency,
    sub1: s.click.sub[0],
    sub2: s.click.sub[1],
    sub3: s.click.sub[2],
    sub4: s.click.sub[3],
    sub5: s.click.sub[4],
    country: s.click.country,
    conversion_time: Math.floor(s.conversion.createdAt / 1000),
    postback_id: postbackId,
  };
}

/** {postback_id} is the delivery id, the same on every retry. */
export function deliveryValues(d: DeliveryForSend): PostbackValues {
  return postbackValues(d, d.id);
}

export function buildPostbackRequest(p: PostbackShape, values: PostbackValues): PostbackRequest {
  const url = expandPostback(p.url, values);
  if (p.method !== 'POST' || p.bodyFormat === 'none') return { method: p.method, url, headers: {} };
  if (p.bodyFormat === 'json') {
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: expandJsonBody(p.bodyTemplate, values),
    };
  }
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: expandPostback(p.bodyTemplate, values),
  };
}

/**
 * scheme://host:port: what the circuit breaker counts failures against. Remembered per scheme-and-authority
 * prefix of the URL, which alone decides it: every attempt asks, and a relay sends to a few hosts over and over.
 */
export function endpointOf(url: string): string | null {
  const key = authorityPrefix(url);
  let known = endpoints.get(key);
  if (known === undefined) {
    known = { endpoint: parseEndpoint(key) };
    endpoints.set(key, known);
  }
  return known.endpoint;
}

// Boxed: an LRU holds no null, and "not a URL" (null) is an answer worth remembering too.
const endpoints = new LRUCache<string, { endpoint: string | null }>({ max: 10_000 });

/** The URL up to where its path, query or fragment starts (a backslash counts as a slash, as URL parsers do). */
function authorityPrefix(url: string): string {
  const start = url.indexOf('//');
  if (start < 0) return url;
  for (let i = start + 2; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || c === 92) return url.slice(0, i); // / ? # \
  }
  return url;
}

function parseEndpoint(url: string): string | null {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.protocol}//${u.hostname}:${port}`;
  } catch {
    return null;
  }
}
