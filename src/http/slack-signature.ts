import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses replays older than this; so do we (their documented window). */
export const MAX_SKEW_SEC = 5 * 60;

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/**
 * Slack's request signing: `v0=` + hex HMAC-SHA256 over `v0:<X-Slack-Request-Timestamp>:<raw body>` with the
 * app's signing secret, compared in constant time; a timestamp more than five minutes off is refused even with
 * a good signature, so a captured request cannot be replayed later.
 */
export function verifySlackSignature(
  secret: string,
  headers: { signature: unknown; timestamp: unknown },
  rawBody: Buffer | string,
  nowSec: number,
): SignatureVerdict {
  const { signature, timestamp } = headers;
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing' };
  }
  if (Math.abs(nowSec - Number(timestamp)) > MAX_SKEW_SEC) return { ok: false, reason: 'stale' };
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
