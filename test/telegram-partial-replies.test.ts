import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotCore } from '../bots/core/bot-core.js';
import { PART_LOST_HTML } from '../bots/telegram/send.js';
import { FRIENDLY_ERROR, type RunningTelegramBot, startTelegramBot } from '../bots/telegram/telegram-bot.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { type FakeTelegram, startFakeTelegram } from './helpers/fake-telegram.js';
import { addPromoMaterial, grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { addClick } from './helpers/report-facts.js';
import { messagesTo, standIn, type TgUser, textUpdate } from './helpers/telegram-fixtures.js';

/** What Telegram answers when it cannot fetch a photo URL (every demo creative is on a cdn.*.example host). */
const CANNOT_FETCH = 'Bad Request: wrong file identifier/HTTP URL specified';
const byUrl = (p: Record<string, unknown>) => typeof p['photo'] === 'string';
const uploaded = (p: Record<string, unknown>) => typeof p['photo'] === 'object';

describe('a part Telegram refuses never sinks the whole answer (stand-in core, sqlite)', () => {
  let fake: FakeTelegram;
  let ctx: TestContext;
  let bot: RunningTelegramBot;
  const user: TgUser = { id: 6161, is_bot: false, first_name: 'Pia' };
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp('sqlite', { TELEGRAM_BOT_TOKEN: '123:test', TELEGRAM_API_ROOT: fake.apiRoot });
    bot = await startTelegramBot(ctx.app, standIn);
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('a photo URL Telegram cannot fetch becomes a link line; a refused file keeps its buttons', async () => {
    const undoPhoto = fake.refuse('sendPhoto', CANNOT_FETCH, byUrl);
    const undoDoc = fake.refuse('sendDocument', 'Bad Request: file must be non-empty');
    try {
      fake.pushUpdate(textUpdate('/report', user));
      await fake.waitFor(() => messagesTo(fake, 6161).some((c) => String(c.params['text']).includes('report-7d.csv')));
      const texts = messagesTo(fake, 6161).map((c) => String(c.params['text']));
      expect(texts).not.toContain(FRIENDLY_ERROR);
      // The uploaded chart went through; the banner by URL became its caption and a link.
      expect(fake.sent('sendPhoto').filter((c) => String(c.params['chat_id']) === '6161')).toHaveLength(1);
      expect(texts).toContain('Banner 300x250\nPicture: <a href="https://cdn.example.com/banner.png">banner</a>');
      const last = messagesTo(fake, 6161).at(-1);
      expect(last?.params['text']).toBe('CSV export\n<i>(the file report-7d.csv could not be sent)</i>');
      expect(last?.params['reply_markup']?.inline_keyboard?.[0]?.[0]).toEqual({
        text: 'Export CSV',
        callback_data: 'report:csv:7d',
      });
    } finally {
      undoPhoto();
      undoDoc();
    }
  });

  it('a part lost even as a message still hands its buttons on, under a short note', async () => {
    const undoDoc = fake.refuse('sendDocument', 'Bad Request: file must be non-empty');
    const undoMsg = fake.refuse('sendMessage', 'Bad Request: message is too long', (p) =>
      String(p['text']).includes('report-7d.csv'),
    );
    try {
      const before = messagesTo(fake, 6161).length;
      fake.pushUpdate(textUpdate('/report', user));
      await fake.waitFor(() =>
        messagesTo(fake, 6161).some((c, i) => i >= before && c.params['text'] === PART_LOST_HTML),
      );
      const last = messagesTo(fake, 6161).at(-1);
      expect(last?.params['text']).toBe(PART_LOST_HTML);
      expect(last?.params['reply_markup']?.inline_keyboard?.[0]?.[0]?.text).toBe('Export CSV');
    } finally {
      undoDoc();
      undoMsg();
    }
  });
});

describe.each(DB_FLAVORS)('partner answers with refused pictures, real core (%s)', (flavor) => {
  let fake: FakeTelegram;
  let ctx: TestContext;
  let bot: RunningTelegramBot;
  let campaignId: number;
  const user: TgUser = { id: 7171, is_bot: false, first_name: 'Cora' };
  const toUser = () => fake.calls.filter((c) => String(c.params['chat_id']) === '7171' && c.method !== 'getUpdates');
  const ask = async (t: string, done: (html: string) => boolean) => {
    const before = toUser().length;
    fake.pushUpdate(textUpdate(t, user));
    await fake.waitFor(() =>
      toUser()
        .slice(before)
        .some((c) => c.method === 'sendMessage' && done(String(c.params['text']))),
    );
    await new Promise((r) => setTimeout(r, 300)); // anything still to come after the awaited part
    return toUser().slice(before);
  };

  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp(flavor, { TELEGRAM_BOT_TOKEN: '123:test', TELEGRAM_API_ROOT: fake.apiRoot });
    bot = await startTelegramBot(ctx.app, createBotCore(ctx.app));
    const db = ctx.app.db;
    const partnerId = await makePartner(db, { name: 'Cora Media' });
    campaignId = await makeCampaign(db, { name: 'Cora Casino' });
    await grantAccess(db, partnerId, campaignId);
    await addPromoMaterial(db, campaignId, 'Play today');
    await db('creatives').insert({
      campaign_id: campaignId,
      name: 'Sky banner',
      kind: 'banner',
      url: 'https://cdn.cora.example/sky.png',
      width: 160,
      height: 600,
      body: '',
    });
    await addClick(db, { partnerId, campaignId, country: 'DE', at: Date.now() - 60_000 });
    const { code } = await issueLinkCode(ctx.app, partnerId);
    await ask(`/link ${code}`, (h) => h.includes('Linked'));
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('/campaign ID: every creative arrives, an unfetchable picture as a link line, no apology', async () => {
    const undo = fake.refuse('sendPhoto', CANNOT_FETCH, byUrl);
    try {
      const calls = await ask(`/campaign ${campaignId}`, (h) => h.includes('sky.png'));
      const texts = calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.params['text']));
      expect(texts.join('\n')).not.toContain('something went wrong');
      expect(calls.filter((c) => c.method === 'sendPhoto').map((c) => c.status)).toEqual([400, 400]);
      expect(texts).toContain('Big banner · 300x250\nPicture: <a href="https://cdn.example.com/b.png">Big banner</a>');
      expect(texts).toContain(
        'Sky banner · 160x600\nPicture: <a href="https://cdn.cora.example/sky.png">Sky banner</a>',
      );
      expect(texts.join('\n')).toContain('Play today');
    } finally {
      undo();
    }
  });

  it('/report: a refused chart still brings its Export CSV button', async () => {
    const undo = fake.refuse('sendPhoto', 'Bad Request: IMAGE_PROCESS_FAILED', uploaded);
    try {
      const calls = await ask('/report 7d', (h) => h.includes('could not be shown'));
      expect(calls.filter((c) => c.method === 'sendPhoto').map((c) => c.status)).toEqual([400]);
      const buttons = calls.flatMap((c) =>
        ((c.params['reply_markup']?.inline_keyboard ?? []) as { text: string }[][]).flat().map((b) => b.text),
      );
      expect(buttons).toContain('Export CSV');
      expect(calls.map((c) => String(c.params['text'] ?? '')).join('\n')).not.toContain('something went wrong');
    } finally {
      undo();
    }
  });
});
