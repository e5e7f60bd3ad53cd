import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramSender } from '../bots/telegram/telegram-sender.js';
import { linkChatDirectly } from '../src/app/chat/link-chat.js';
import { setChatNotify } from '../src/app/chat/set-chat-notify.js';
import { recordPayment } from '../src/app/ledger/record-payment.js';
import { insertPartnerEvents } from '../src/db/repositories/partner-events.js';
import {
  type NotificationsOptions,
  type RunningNotifications,
  startNotifications,
} from '../src/jobs/notifications/start.js';
import { countRows, makeClick } from './helpers/conversions.js';
import { type FakeTelegram, startFakeTelegram } from './helpers/fake-telegram.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { randomPrefix } from './helpers/relay-fixtures.js';
import { messagesTo } from './helpers/telegram-fixtures.js';

describe.each(DB_FLAVORS)('chat notifications (%s)', (flavor) => {
  let fake: FakeTelegram;
  let ctx: TestContext;
  let pipeline: RunningNotifications;
  let campaignId: number;
  let campaignName: string;
  const prefix = randomPrefix();
  let nextChat = 91_000;

  const start = (opts: NotificationsOptions = {}) =>
    startNotifications(ctx.app, [createTelegramSender(ctx.app)], { prefix, pollMs: 50, ...opts });

  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp(flavor, { TELEGRAM_BOT_TOKEN: '123:test', TELEGRAM_API_ROOT: fake.apiRoot });
    campaignId = await makeCampaign(ctx.app.db);
    campaignName = String((await ctx.app.db('campaigns').where({ id: campaignId }).first()).name);
    pipeline = await start();
  });
  afterAll(async () => {
    await pipeline?.close();
    await ctx?.close();
    await fake?.close();
  });

  /** A partner with one Telegram chat linked (notify as given); returns its ids. */
  async function linkedPartner(notify: boolean) {
    const partnerId = await makePartner(ctx.app.db);
    await grantAccess(ctx.app.db, partnerId, campaignId);
    const chatId = nextChat++;
    const user = { platform: 'telegram' as const, userId: String(chatId), chatId: String(chatId) };
    await linkChatDirectly(ctx.app, user, partnerId);
    if (notify) await setChatNotify(ctx.app, user, true);
    return { partnerId, chatId };
  }

  async function convert(partnerId: number, txid: string) {
    const clickId = await makeClick(ctx.app.db, partnerId, campaignId);
    const res = await api(ctx, 'GET', `/postback?clickid=${clickId}&type=deposit&status=approved&txid=${txid}`);
    expect(res.status).toBe(200);
    return { clickId, conversionId: Number(res.body.conversion_id) };
  }

  const stateOf = async (partnerId: number) =>
    (await ctx.app.db('notifications').where({ partner_id: partnerId }).orderBy('id')).map((r) => String(r.state));
  /** Waits until n notification rows of the partner are sent (the message calls are recorded by then). */
  async function untilSent(partnerId: number, n = 1) {
    const deadline = Date.now() + 15_000;
    while ((await stateOf(partnerId)).filter((s) => s === 'sent').length < n) {
      if (Date.now() > deadline) throw new Error(`notifications of partner ${partnerId}: ${await stateOf(partnerId)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('a conversion for a partner with notify on becomes exactly one message', async () => {
    const { partnerId, chatId } = await linkedPartner(true);
    const { clickId } = await convert(partnerId, 'n-on-1');
    await untilSent(partnerId);
    const msgs = messagesTo(fake, chatId);
    expect(msgs).toHaveLength(1);
    const t = String(msgs[0]?.params['text']);
    expect(t).toContain(`✅ New conversion: Deposit on ${campaignName}`);
    expect(t).toContain('payout <b>$50.00</b> (approved)');
    expect(t).toContain(`click <code>${clickId.slice(0, 6)}…</code>`);
    expect(msgs[0]?.params['parse_mode']).toBe('HTML');
  });

  it('a status change is a message of its own, naming old and new status', async () => {
    const { partnerId, chatId } = await linkedPartner(true);
    const { conversionId } = await convert(partnerId, 'n-upd-1');
    await untilSent(partnerId);
    const up = await api(ctx, 'POST', '/api/v1/conversions/update', [
      { conversion_id: conversionId, status: 'declined' },
    ]);
    expect(up.status).toBe(200);
    await untilSent(partnerId, 2);
    const t = String(messagesTo(fake, chatId)[1]?.params['text']);
    expect(t).toContain('❌ Conversion Deposit on');
    expect(t).toContain('is now <b>declined</b> (was approved)');
  });

  it('notify off: no conversion message, not even a row', async () => {
    const { partnerId, chatId } = await linkedPartner(false);
    await convert(partnerId, 'n-off-1');
    expect(await countRows(ctx.app.db, 'notifications', { partner_id: partnerId })).toBe(0);
    expect(messagesTo(fake, chatId)).toHaveLength(0);
  });

  it('a disabled postback (relay event) alerts every linked chat, notify or not', async () => {
    const { partnerId, chatId } = await linkedPartner(false);
    await insertPartnerEvents(ctx.app.db, [
      {
        kind: 'postback_disabled',
        partnerId,
        postbackId: null,
        payload: {
          reason: 'the endpoint answered 410 Gone: the partner retired this postback URL',
          url: 'https://tracker.example/pb?cid=1',
          status: 410,
        },
        at: Date.now(),
      },
    ]);
    await untilSent(partnerId);
    const t = String(messagesTo(fake, chatId)[0]?.params['text']);
    expect(t).toContain('⛔ Postback disabled: the endpoint answered 410 Gone');
    expect(t).toContain('https://tracker.example/pb?cid=1');
    expect(t).toContain('/postback set');
    const ev = await ctx.app.db('partner_events').where({ partner_id: partnerId }).first();
    expect(ev.notified_at).not.toBeNull();
  });

  it('a payment status change is sent', async () => {
    const { partnerId, chatId } = await linkedPartner(false);
    const { paymentId } = await recordPayment(ctx.app, { partnerId, amount: 12_000, status: 'paid' });
    await untilSent(partnerId);
    expect(String(messagesTo(fake, chatId)[0]?.params['text'])).toBe(
      `💸 Payment #${paymentId} of <b>$120.00</b> is now <b>paid</b>.`,
    );
  });

  it('a 429 is retried after retry_after and the message arrives once', async () => {
    const { partnerId, chatId } = await linkedPartner(true);
    fake.failWith429('sendMessage', 1, 1);
    await recordPayment(ctx.app, { partnerId, amount: 500, status: 'processing' });
    await untilSent(partnerId);
    const calls = fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.params['chat_id']) === chatId);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(String(calls[1]?.params['text'])).toContain('is now <b>processing</b>');
  });

  it("partner A's notifications never reach B's chat", async () => {
    const a = await linkedPartner(true);
    const b = await linkedPartner(true);
    await convert(a.partnerId, 'iso-a');
    await recordPayment(ctx.app, { partnerId: a.partnerId, amount: 700, status: 'paid' });
    await untilSent(a.partnerId, 2);
    expect(messagesTo(fake, a.chatId)).toHaveLength(2);
    expect(messagesTo(fake, b.chatId)).toHaveLength(0);
    expect(await countRows(ctx.app.db, 'notifications', { partner_id: b.partnerId })).toBe(0);
  });

  it('a row survives losing its job (Redis wiped after enqueue): the reconciler sends it', async () => {
    await pipeline.close();
    const { partnerId, chatId } = await linkedPartner(false);
    const { paymentId } = await recordPayment(ctx.app, { partnerId, amount: 2_500, status: 'paid' });
    // As if the dispatcher had enqueued it and Redis then lost everything.
    await ctx.app.db('notifications').where({ partner_id: partnerId }).update({ queued_at: 1 });
    pipeline = await start({ reconcileGraceMs: 0 });
    await pipeline.queue.obliterate({ force: true });
    expect(await pipeline.dispatch()).toBe(0);
    expect(await pipeline.reconcile()).toBe(1);
    await untilSent(partnerId);
    expect(messagesTo(fake, chatId).map((m) => m.params['text'])).toEqual([
      `💸 Payment #${paymentId} of <b>$25.00</b> is now <b>paid</b>.`,
    ]);
  });
});
