import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSender } from '../bots/slack/slack-sender.js';
import { linkChatDirectly } from '../src/app/chat/link-chat.js';
import { setChatNotify } from '../src/app/chat/set-chat-notify.js';
import { type RunningNotifications, startNotifications } from '../src/jobs/notifications/start.js';
import { makeClick } from './helpers/conversions.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { randomPrefix } from './helpers/relay-fixtures.js';

/** Notifications a partner turned on reach their Slack DM through the outbox, within Slack's limits. */
describe.each(DB_FLAVORS)('Slack notifications (%s)', (flavor) => {
  let fake: FakeSlack;
  let ctx: TestContext;
  let pipeline: RunningNotifications;
  let campaignId: number;
  let n = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
    ctx = await startTestApp(flavor, {
      SLACK_BOT_TOKEN: 'xoxb-notify',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: fake.apiUrl,
    });
    campaignId = await makeCampaign(ctx.app.db);
    pipeline = await startNotifications(ctx.app, [createSlackSender(ctx.app)], { prefix: randomPrefix(), pollMs: 50 });
  });
  afterAll(async () => {
    await pipeline?.close();
    await ctx?.close();
    await fake?.close();
  });

  async function slackPartner() {
    n += 1;
    const partnerId = await makePartner(ctx.app.db);
    await grantAccess(ctx.app.db, partnerId, campaignId);
    const slackUser = `U0NOTE${String(n).padStart(4, '0')}`;
    const key = `T0FAKE0001:${slackUser}`;
    const user = { platform: 'slack' as const, userId: key, chatId: key };
    await linkChatDirectly(ctx.app, user, partnerId);
    await setChatNotify(ctx.app, user, true);
    return { partnerId, slackUser };
  }
  async function convert(partnerId: number, txid: string) {
    const clickId = await makeClick(ctx.app.db, partnerId, campaignId);
    const res = await api(ctx, 'GET', `/postback?clickid=${clickId}&type=deposit&status=approved&txid=${txid}`);
    expect(res.status).toBe(200);
  }
  const postsTo = (user: string) =>
    fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args['channel'] === user && c.status === 200);
  async function untilSent(partnerId: number, count = 1) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await ctx.app.db('notifications').where({ partner_id: partnerId, state: 'sent' });
      if (rows.length >= count) return;
      if (Date.now() > deadline) throw new Error('notification never sent');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('a conversion becomes one DM with blocks and a fallback text', async () => {
    const { partnerId, slackUser } = await slackPartner();
    await convert(partnerId, 'sl-1');
    await untilSent(partnerId);
    const posts = postsTo(slackUser);
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.args['text'])).toContain('New conversion');
    expect(posts[0]?.args['blocks']?.[0]?.type).toBe('section');
    expect(posts[0]?.token).toBe('xoxb-notify');
  });

  it('a 429 pauses that chat for Retry-After; the message then arrives once', async () => {
    const { partnerId, slackUser } = await slackPartner();
    fake.rateLimit('chat.postMessage', 1);
    const t0 = Date.now();
    await convert(partnerId, 'sl-429');
    await untilSent(partnerId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const limited = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(postsTo(slackUser)).toHaveLength(1);
  });

  it('a user the app cannot reach is skipped, not retried forever', async () => {
    const { partnerId } = await slackPartner();
    fake.failWith('chat.postMessage', 'channel_not_found');
    await convert(partnerId, 'sl-gone');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const row = await ctx.app.db('notifications').where({ partner_id: partnerId }).first();
      if (row && row.state !== 'pending') {
        expect(row.state).toBe('skipped');
        return;
      }
      if (Date.now() > deadline) throw new Error(`still ${row?.state}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  });
});
