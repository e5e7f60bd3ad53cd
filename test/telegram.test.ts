import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBotCore } from '../bots/core/bot-core.js';
import { FRIENDLY_ERROR, type RunningTelegramBot, startTelegramBot } from '../bots/telegram/telegram-bot.js';
import { type FakeTelegram, startFakeTelegram } from './helpers/fake-telegram.js';
import { DB_FLAVORS, freshDatabase, startTestApp, type TestContext } from './helpers/harness.js';
import {
  CSV,
  callbackUpdate,
  chat,
  longLines,
  messagesTo,
  nextMessageId,
  PNG,
  standIn,
  type TgUser,
  textUpdate,
} from './helpers/telegram-fixtures.js';

describe.each(DB_FLAVORS)('telegram bot with the real core, long polling (%s)', (flavor) => {
  let fake: FakeTelegram;
  let ctx: TestContext;
  let bot: RunningTelegramBot;
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp(flavor, { TELEGRAM_BOT_TOKEN: '123:test', TELEGRAM_API_ROOT: fake.apiRoot });
    bot = await startTelegramBot(ctx.app, createBotCore(ctx.app));
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('starts polling: command menu from the core, webhook removed', async () => {
    expect(bot.mode).toBe('polling');
    const menu = fake.sent('setMyCommands')[0]?.params['commands'] as { command: string; description: string }[];
    expect(menu.map((c) => c.command)).toEqual(expect.arrayContaining(['start', 'help', 'link', 'balance']));
    expect(menu.find((c) => c.command === 'help')?.description).toBe('the commands you can use');
    expect(fake.sent('deleteWebhook')).toHaveLength(1);
  });

  it('/start greets an unlinked partner by name and explains linking, in HTML', async () => {
    fake.pushUpdate(textUpdate('/start'));
    await fake.waitFor(() => messagesTo(fake, 4242).length >= 1);
    const [msg] = messagesTo(fake, 4242);
    expect(msg?.params['parse_mode']).toBe('HTML');
    expect(msg?.params['text']).toContain('<b>partnerdesk</b>');
    expect(msg?.params['text']).toContain('Hi Ann Lee!');
    expect(msg?.params['text']).toContain('/link CODE');
  });

  it('/help lists the commands an unlinked user may use', async () => {
    const before = messagesTo(fake, 4242).length;
    fake.pushUpdate(textUpdate('/help@partnerdesk_test_bot'));
    await fake.waitFor(() => messagesTo(fake, 4242).length > before);
    const t = String(messagesTo(fake, 4242).at(-1)?.params['text']);
    expect(t).toContain('<b>Commands</b>');
    expect(t).toContain('/link');
    expect(t).not.toContain('/balance');
  });

  it('a button press is answered at once and routed to the core', async () => {
    const before = messagesTo(fake, 4242).length;
    fake.pushUpdate(callbackUpdate('cb-real-1', 'nosuchcommand:1'));
    await fake.waitFor(() => messagesTo(fake, 4242).length > before);
    expect(fake.sent('answerCallbackQuery').map((c) => c.params['callback_query_id'])).toContain('cb-real-1');
    expect(messagesTo(fake, 4242).at(-1)?.params['text']).toContain('That button no longer works');
  });

  it('the webhook route is off in polling mode', async () => {
    const res = await fetch(`${ctx.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'x' },
      body: JSON.stringify({ update_id: 1 }),
    });
    expect(res.status).toBe(404);
  });
});

describe('telegram rendering through a stand-in core (sqlite)', () => {
  let fake: FakeTelegram;
  let ctx: TestContext;
  let bot: RunningTelegramBot;
  const user: TgUser = { id: 5151, is_bot: false, first_name: 'Bo' };
  const last = () => messagesTo(fake, 5151).at(-1)?.params['text'] as string;
  const say = async (t: string, wait = 1) => {
    const before = messagesTo(fake, 5151).length;
    fake.pushUpdate(textUpdate(t, user));
    await fake.waitFor(() => messagesTo(fake, 5151).length >= before + wait);
  };
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp('sqlite', { TELEGRAM_BOT_TOKEN: '123:test', TELEGRAM_API_ROOT: fake.apiRoot });
    bot = await startTelegramBot(ctx.app, standIn, { retry: { maxRetries: 3, maxRetryAfterSec: 5 } });
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('the command menu skips names Telegram would refuse', () => {
    const menu = fake.sent('setMyCommands')[0]?.params['commands'];
    expect(menu).toEqual([
      { command: 'start', description: 'greeting' },
      { command: 'report', description: 'a report with a chart' },
    ]);
  });

  it('escapes & < > in every inline kind and in hrefs', async () => {
    await say('/escape');
    expect(last()).toBe(
      'Tom &amp; Jerry &lt;b&gt;<b>5 &lt; 6 &amp; 7 &gt; 2</b> <code>&lt;x&gt;</code> ' +
        '<a href="https://x.test/?q=1&amp;r=&lt;2&gt;">a&amp;b</a>',
    );
  });

  it('renders text + table in one message, then photo, photo by URL and document, buttons on the last', async () => {
    await say('/report');
    await fake.waitFor(() => fake.sent('sendDocument').length === 1);
    const msg = messagesTo(fake, 5151).at(-1);
    expect(msg?.params['text']).toBe(
      '<b>Report</b> 7d, UTC\n\n<pre>geo   clicks\n----  ------\nDE        12\n&lt;US&gt;       3</pre>',
    );
    expect(msg?.params['reply_markup']).toBeUndefined();

    const [upload, byUrl] = fake.sent('sendPhoto');
    expect(upload?.files).toEqual([{ field: 'photo', filename: 'image.png', size: PNG.length }]);
    expect(upload?.params['caption']).toBe('<b>Clicks</b> &amp; conversions');
    expect(upload?.params['parse_mode']).toBe('HTML');
    expect(byUrl?.params['photo']).toBe('https://cdn.example.com/banner.png');
    expect(byUrl?.files).toEqual([]);

    const doc = fake.sent('sendDocument')[0];
    expect(doc?.files).toEqual([{ field: 'document', filename: 'report-7d.csv', size: CSV.length }]);
    expect(doc?.params['caption']).toBe('CSV export');
    expect(doc?.params['reply_markup']).toEqual({
      inline_keyboard: [
        [
          { text: 'Export CSV', callback_data: 'report:csv:7d' },
          { text: 'Open docs', url: 'https://docs.example.com/?a=1&b=2' },
        ],
      ],
    });
  });

  it('splits a long reply into several messages under 4096, in order, nothing lost', async () => {
    const before = messagesTo(fake, 5151).length;
    fake.pushUpdate(textUpdate('/long', user));
    await fake.waitFor(() => messagesTo(fake, 5151).some((c) => String(c.params['text']).includes('row 299')));
    const parts = messagesTo(fake, 5151)
      .slice(before)
      .map((c) => String(c.params['text']));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n')).toBe(longLines.map((l) => l.replace('&', '&amp;')).join('\n'));
  });

  it('answers a callback query before routing it, and still answers when the action fails', async () => {
    fake.pushUpdate(callbackUpdate('cb-1', 'report:csv:7d', user));
    await fake.waitFor(() => last() === 'action report:csv:7d');
    fake.pushUpdate(callbackUpdate('cb-2', 'explode', user));
    await fake.waitFor(() => fake.sent('answerCallbackQuery').length === 2 && last() === FRIENDLY_ERROR);
    const answered = fake.sent('answerCallbackQuery').map((c) => c.params['callback_query_id']);
    expect(answered).toEqual(['cb-1', 'cb-2']);
  });

  it('an exception in the core becomes a friendly message, never a stack trace', async () => {
    await say('/boom');
    expect(last()).toBe(FRIENDLY_ERROR);
    expect(last()).not.toMatch(/postgres|secret|anonymous|\.ts/);
  });

  it('a message without text gets a hint, not silence', async () => {
    const before = messagesTo(fake, 5151).length;
    fake.pushUpdate({
      message: {
        message_id: nextMessageId(),
        date: 1,
        chat: { ...chat, id: 5151 },
        from: user,
        sticker: { file_id: 's' },
      },
    });
    await fake.waitFor(() => messagesTo(fake, 5151).length > before);
    expect(last()).toContain('/help');
  });

  it('in a group, answers only commands addressed to this bot', async () => {
    const group = { id: -100777, type: 'group', title: 'Team' };
    const msg = (t: string) => ({
      message: { message_id: nextMessageId(), date: 1, chat: group, from: user, text: t },
    });
    fake.pushUpdate(msg('just chatting'));
    fake.pushUpdate(msg('/start@some_other_bot'));
    fake.pushUpdate(msg('/start@partnerdesk_test_bot'));
    await fake.waitFor(() => messagesTo(fake, -100777).length >= 1);
    expect(messagesTo(fake, -100777).map((c) => c.params['text'])).toEqual(['echo Bo: /start@partnerdesk_test_bot']);
  });

  it('retries a sendMessage refused with 429 after retry_after', async () => {
    fake.failWith429('sendMessage', 1);
    await say('hello after flood');
    const attempts = fake.calls.filter(
      (c) => c.method === 'sendMessage' && c.params['text'] === 'echo Bo: hello after flood',
    );
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  });

  it('answers one chat in order: each reply follows the previous one', async () => {
    const before = messagesTo(fake, 5151).length;
    for (const n of [1, 2, 3, 4, 5]) fake.pushUpdate(textUpdate(`msg ${n}`, user));
    await fake.waitFor(() => messagesTo(fake, 5151).length >= before + 5);
    const texts = messagesTo(fake, 5151)
      .slice(before)
      .map((c) => c.params['text']);
    expect(texts).toEqual([1, 2, 3, 4, 5].map((n) => `echo Bo: msg ${n}`));
  });
});

describe('telegram webhook mode (sqlite)', () => {
  const SECRET = 'whsec_0123456789abcdef';
  let fake: FakeTelegram;
  let ctx: TestContext;
  let bot: RunningTelegramBot;
  const post = (secret: string | null, body: unknown) =>
    fetch(`${ctx.baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
      },
      body: JSON.stringify(body),
    });
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ctx = await startTestApp('sqlite', {
      TELEGRAM_BOT_TOKEN: '123:test',
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://partners.example.com',
    });
    bot = await startTelegramBot(ctx.app, standIn);
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('registers the webhook with the secret instead of polling', () => {
    expect(bot.mode).toBe('webhook');
    const [hook] = fake.sent('setWebhook');
    expect(hook?.params['url']).toBe('https://partners.example.com/telegram/webhook');
    expect(hook?.params['secret_token']).toBe(SECRET);
    expect(fake.sent('deleteWebhook')).toHaveLength(0);
  });

  it('refuses a missing or wrong secret with 401 and handles nothing', async () => {
    const missing = await post(null, { update_id: 1, ...textUpdate('/start') });
    const wrong = await post(`${SECRET}x`, { update_id: 2, ...textUpdate('/start') });
    const short = await post('whsec', { update_id: 3, ...textUpdate('/start') });
    expect([missing.status, wrong.status, short.status]).toEqual([401, 401, 401]);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('bad_webhook_secret');
    expect(fake.sent('sendMessage')).toHaveLength(0);
  });

  it('handles an update carrying the right secret and answers 200', async () => {
    const res = await post(SECRET, { update_id: 4, ...textUpdate('via webhook') });
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.sent('sendMessage').length >= 1);
    // Same chat, answered in arrival order: had a refused update been handled, its reply would come first.
    expect(fake.sent('sendMessage').map((c) => c.params['text'])).toEqual(['echo Ann Lee: via webhook']);
  });
});

describe('`partnerdesk bots` runs the Telegram bot (sqlite)', () => {
  it('polls, answers /start, and stops cleanly on SIGTERM', async () => {
    const fake = await startFakeTelegram();
    const db = await freshDatabase('sqlite');
    const child = spawn(process.execPath, [path.resolve('bin/partnerdesk.js'), 'bots'], {
      env: {
        ...process.env,
        ...db.env,
        REDIS_URL: inject('redisUrl'),
        LOG_LEVEL: 'warn',
        TELEGRAM_BOT_TOKEN: '123:cli',
        TELEGRAM_API_ROOT: fake.apiRoot,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await fake.waitFor(() => fake.sent('deleteWebhook').length === 1, 30_000);
      fake.pushUpdate(textUpdate('/start'));
      await fake.waitFor(() => fake.sent('sendMessage').length === 1, 30_000);
      expect(fake.sent('sendMessage')[0]?.params['text']).toContain('/link CODE');
      // The banner is printed once start-up finishes, which can come after the first reply on a busy machine.
      await fake.waitFor(() => out.includes('Telegram on (long polling)'), 30_000).catch(() => undefined);
      expect(out).toContain('Telegram on (long polling)');
      expect(out).toContain('partnerdesk is running (bots)');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('Telegram bot');
    } finally {
      child.kill('SIGKILL');
      await fake.close();
      await db.drop();
    }
  });
});
