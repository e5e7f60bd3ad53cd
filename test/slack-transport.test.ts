import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventDedup } from '../bots/slack/event-dedup.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { createLogger } from '../src/infra/logger.js';
import { makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS } from './helpers/harness.js';
import { type SlackTestApp, startSlackTestApp } from './helpers/slack-app.js';
import { signedDirectMessage, signedEvent, signedSlashCommand, signRequest } from './helpers/slack-signing.js';

/** /slack/events as Slack calls it: signed requests into the real server, the Web API faked on loopback. */
describe.each(DB_FLAVORS)('Slack transport on %s', (flavor) => {
  let s: SlackTestApp;
  beforeAll(async () => {
    s = await startSlackTestApp(flavor);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers url_verification with the challenge and ssl_check with 200', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const res = await s.post(signRequest(s.secret, body, 'application/json'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'abc123' });
    const ssl = await s.post(signRequest(s.secret, 'ssl_check=1&token=x', 'application/x-www-form-urlencoded'));
    expect(ssl.status).toBe(200);
  });

  it('refuses a bad signature and a stale timestamp with 401, processing nothing', async () => {
    const before = s.fake.calls.length;
    const userId = 'U0BADSIG01';
    const forged = signedSlashCommand(
      s.secret,
      { userId, text: 'help', responseUrl: s.fake.responseUrl('forged') },
      { secretOverride: 'not-the-secret' },
    );
    const r1 = await s.post(forged);
    expect(r1.status).toBe(401);
    expect(JSON.parse(r1.text).error.code).toBe('slack_signature_mismatch');
    const stale = signedSlashCommand(
      s.secret,
      { userId, text: 'help', responseUrl: s.fake.responseUrl('stale') },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    const r2 = await s.post(stale);
    expect(r2.status).toBe(401);
    expect(JSON.parse(r2.text).error.code).toBe('slack_signature_stale');
    // A body changed after signing is refused too.
    const good = signedSlashCommand(s.secret, { userId, text: 'help', responseUrl: s.fake.responseUrl('x') });
    const tampered = { ...good, body: good.body.replace('help', 'balance') };
    expect((await s.post(tampered)).status).toBe(401);
    const unsigned = await fetch(`${s.ctx.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"url_verification","challenge":"c"}',
    });
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.fake.calls.length).toBe(before);
  });

  it('acks a slash command at once and answers ephemerally through response_url', async () => {
    const userId = 'U0SLASH001';
    const res = await s.post(
      signedSlashCommand(s.secret, {
        userId,
        text: 'help',
        channelId: 'C0SHARED01',
        responseUrl: s.fake.responseUrl(`${userId}-1`),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await s.fake.waitFor((calls) => calls.some((c) => c.pathId === `${userId}-1`));
    const answer = s.fake.calls.find((c) => c.pathId === `${userId}-1`);
    expect(answer?.args['response_type']).toBe('ephemeral');
    expect(String(answer?.args['text'])).toMatch(/link/i);
    // Nothing was posted visibly into the shared channel.
    expect(s.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'C0SHARED01')).toEqual(
      [],
    );
  });

  it('links with /pd link CODE and answers the balance', async () => {
    const partnerId = await makePartner(s.ctx.app.db, { name: 'Slack Partner' });
    const { code } = await issueLinkCode(s.ctx.app, partnerId);
    const userId = 'U0LINKER01';
    await s.post(
      signedSlashCommand(s.secret, { userId, text: `link ${code}`, responseUrl: s.fake.responseUrl(`${userId}-1`) }),
    );
    await s.fake.waitFor((calls) => calls.some((c) => c.pathId === `${userId}-1`));
    expect(String(s.fake.calls.find((c) => c.pathId === `${userId}-1`)?.args['text'])).toMatch(/Linked.*Slack Partner/);
    await s.post(
      signedSlashCommand(s.secret, { userId, text: 'balance', responseUrl: s.fake.responseUrl(`${userId}-2`) }),
    );
    await s.fake.waitFor((calls) => calls.some((c) => c.pathId === `${userId}-2`));
    expect(JSON.stringify(s.fake.calls.find((c) => c.pathId === `${userId}-2`)?.args)).toMatch(/[Bb]alance/);
  });

  it('answers a DM in the DM and handles an event Slack retries only once', async () => {
    const userId = 'U0DMUSER01';
    const dm = signedDirectMessage(s.secret, { userId, text: 'help', channel: 'D0DMUSER01' });
    const first = await s.post(dm);
    expect(first.status).toBe(200);
    // The same event again, as Slack redelivers it (same event_id, a retry header), twice.
    for (const retryNum of [1, 2]) {
      const again = signedDirectMessage(
        s.secret,
        { userId, text: 'help', channel: 'D0DMUSER01' },
        { eventId: dm.eventId, retryNum },
      );
      expect((await s.post(again)).status).toBe(200);
    }
    await s.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'D0DMUSER01'),
    );
    await new Promise((r) => setTimeout(r, 300));
    const posts = s.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'D0DMUSER01');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.args['text'])).toMatch(/link/i);
  });

  it('ignores messages from bots and edits', async () => {
    const before = s.fake.calls.length;
    await s.post(
      signedEvent(s.secret, {
        type: 'message',
        channel_type: 'im',
        channel: 'D0X',
        user: 'U0X',
        bot_id: 'B0OTHER',
        text: 'help',
      }),
    );
    await s.post(
      signedEvent(s.secret, {
        type: 'message',
        subtype: 'message_changed',
        channel_type: 'im',
        channel: 'D0X',
        text: 'help',
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(s.fake.calls.length).toBe(before);
  });
});

describe('Slack event de-duplication across processes', () => {
  it('two bots sharing Redis: an event id is handled by the first only', async () => {
    const log = createLogger('silent');
    const a = new Redis(inject('redisUrl'));
    const b = new Redis(inject('redisUrl'));
    const prefix = `dedup${Date.now()}`;
    try {
      // Two de-duplicators stand for two processes: each has its own memory, they share only Redis.
      const first = createEventDedup(a, prefix, log);
      const second = createEventDedup(b, prefix, log);
      expect(await first.firstSeen('Ev0CROSS01')).toBe(true);
      expect(await second.firstSeen('Ev0CROSS01')).toBe(false);
      expect(await second.firstSeen('Ev0CROSS02')).toBe(true);
      expect(await a.ttl(`${prefix}:slack-event:Ev0CROSS01`)).toBeGreaterThan(3000);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
