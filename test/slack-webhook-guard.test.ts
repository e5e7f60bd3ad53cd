import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackTestApp, startSlackTestApp } from './helpers/slack-app.js';
import { signRequest } from './helpers/slack-signing.js';

/**
 * /slack/events is guarded like the Telegram webhook: forged signatures count against the caller's failed
 * authentications (so guessing the signing secret is locked out), rejections are counted in a metric, and the
 * per-address limit runs before the body is read.
 */
describe('Slack events guard', () => {
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackTestApp('sqlite', { RATE_LIMIT_AUTH_FAILURES: '3' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('locks an address out after repeated forged signatures, with 429 and Retry-After, and counts them', async () => {
    // Counters live in Redis once the app's connection is up (before that, in the process): wait for it so
    // every call below counts in one place.
    for (let i = 0; i < 1500 && s.ctx.app.redis?.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.ctx.app.redis?.status, 'the app never connected to Redis within 30 s').toBe('ready');
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c1' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const forged = signRequest('not-the-secret', body, 'application/json');
      statuses.push((await s.post(forged)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // Even a correctly signed call from that address waits out the lock-out: the limit stops guessing.
    const res = await fetch(`${s.ctx.baseUrl}/slack/events`, {
      method: 'POST',
      headers: signRequest(s.secret, body, 'application/json').headers,
      body,
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBeTruthy();
    const metrics = await (await fetch(`${s.ctx.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/partnerdesk_webhook_rejected_total\{[^}]*webhook="slack"[^}]*\} 3/);
  });
});
