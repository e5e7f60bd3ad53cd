import type { DeliveryForSend } from '../db/repositories/deliveries.js';
import { formatDecimal } from '../domain/money.js';
import { expandJsonBody, expandPostback, type PostbackValues } from '../domain/postback-template.js';

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

/** CONTRACT.md's macros for one delivery; {postback_id} is the delivery id, the same on every retry. */
export function deliveryValues(d: DeliveryForSend): PostbackValues {
  return {
    ref_id: d.click.refId,
    aff_payout: formatDecimal(d.payout, d.conversion.currency),
    clickid: d.click.clickId,
    type: d.conversion.type,
    status: d.status,
    txid: d.conversion.txid,
    campaign_id: d.conversion.campaignId,
    currency: d.conversion.currency,
    sub1: d.click.sub[0],
    sub2: d.click.sub[1],
    sub3: d.click.sub[2],
    sub4: d.click.sub[3],
    sub5: d.click.sub[4],
    country: d.click.country,
    conversion_time: Math.floor(d.conversion.createdAt / 1000),
    postback_id: d.id,
  };
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

/** scheme://host:port: what the circuit breaker counts failures against. */
export function endpointOf(url: string): string | null {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.protocol}//${u.hostname}:${port}`;
  } catch {
    return null;
  }
}
