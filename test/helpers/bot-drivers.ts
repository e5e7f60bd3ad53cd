import { renderReplies } from '../../bots/console/render.js';
import { type BotCore, createBotCore } from '../../bots/core/bot-core.js';
import type { ChatUser } from '../../bots/core/command.js';
import type { Reply } from '../../bots/core/reply.js';
import { planReply } from '../../bots/telegram/render-reply.js';
import { type ChatCore, startTelegramBot } from '../../bots/telegram/telegram-bot.js';
import { issueLinkCode } from '../../src/app/chat/issue-link-code.js';
import type { BotTarget, Driver, MakeTarget, Transcript } from '../contract/driver.js';
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from './fake-telegram.js';
import { type DbFlavor, startTestApp } from './harness.js';
import { callbackUpdate, type TgUser, textUpdate } from './telegram-fixtures.js';

/**
 * Drivers of the bot contract suite (test/contract): each speaks to the real core through one adapter and
 * turns what that adapter shows into a platform-neutral Transcript.
 */

let seq = 0;

// ---------------------------------------------------------------------------------------------- console

/** Console output lines that stand for a picture or a file (the terminal saves them to disk). */
const PICTURE = /^\[picture: .*\] (saved to |https?:\/\/)/;
const FILE = /^\[file: (.+)\] saved to /;
/** "[1] Export CSV   [2] Cancel   Docs: https://..." -> the numbered (action) buttons. */
const BUTTON_ROW = /^\[\d+\] /;
const BUTTON = /\[(\d+)\] (.+?)(?=\s{3}\[\d+\] |\s{3}[^\s[][^:]*: https?:\/\/|$)/g;

/**
 * The console adapter's renderer over createBotCore, as a chat user that links with a code like anyone
 * else (openConsoleChat links the operator directly, which would skip the identity scenarios). A pressed
 * button is typed as its number, exactly as in `partnerdesk chat`.
 */
export function consoleTarget(flavor: DbFlavor): MakeTarget {
  return async (env) => {
    const ctx = await startTestApp(flavor, env);
    const core = createBotCore(ctx.app);
    return {
      app: ctx.app,
      baseUrl: ctx.baseUrl,
      newChat: async () => consoleDriver(ctx.app, core),
      close: () => ctx.close(),
    };
  };
}

function consoleDriver(app: BotTarget['app'], core: BotCore): Driver {
  seq += 1;
  const user: ChatUser = { platform: 'console', userId: `contract-${seq}`, chatId: `contract-${seq}`, name: 'Tess' };
  let choices: string[] = [];
  let labels = new Map<string, number>();

  const run = async (replies: Promise<Reply[]>): Promise<Transcript> => {
    const saved = new Map<string, number>();
    const out = renderReplies(await replies, (filename, data) => {
      saved.set(filename, data.length);
      return `/dev/null/${filename}`;
    });
    choices = out.choices;
    labels = new Map();
    const t: Transcript = { text: '', images: 0, files: [], buttons: [] };
    const kept: string[] = [];
    for (const line of out.text.split('\n')) {
      const file = FILE.exec(line);
      if (PICTURE.test(line)) t.images += 1;
      else if (file?.[1]) t.files.push({ name: file[1], bytes: saved.get(file[1]) ?? -1 });
      else if (BUTTON_ROW.test(line)) {
        for (const m of line.matchAll(BUTTON)) {
          labels.set(m[2] ?? '', Number(m[1]));
          t.buttons.push(m[2] ?? '');
        }
      } else kept.push(line);
    }
    t.text = kept.join('\n').trim();
    return t;
  };

  return {
    async linkAs(partnerId) {
      const { code } = await issueLinkCode(app, partnerId);
      return run(core.handleText(user, `link ${code}`));
    },
    command: (line) => run(core.handleText(user, line)),
    send: (text) => run(core.handleText(user, text)),
    async press(label) {
      const n = labels.get(label);
      const action = n === undefined ? undefined : choices[n - 1];
      if (!action) throw new Error(`console: no button "${label}"; shown: ${[...labels.keys()].join(', ')}`);
      return run(core.handleAction(user, action));
    },
    olderButtons: false,
    close: async () => {},
  };
}

// --------------------------------------------------------------------------------------------- telegram

const TO_CHAT = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);

/** Telegram HTML as the partner reads it: tags gone, the entities our renderer writes unescaped. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const TAG = /<\/?([a-z]+)(\s[^>]*)?>/g;
const ALLOWED_TAGS = new Set(['b', 'i', 'code', 'pre', 'a']);

/**
 * What the real Bot API would refuse ("can't parse entities", too long) and our fake accepts: tags outside
 * the few we render, unbalanced tags, a bare < > or &, a message over 4096 or a caption over 1024 characters.
 */
export function checkTelegramHtml(html: string, limit: number): void {
  const open: string[] = [];
  for (const m of html.matchAll(TAG)) {
    const tag = m[1] ?? '';
    if (!ALLOWED_TAGS.has(tag)) throw new Error(`telegram: tag <${tag}> is not one we render: ${html.slice(0, 200)}`);
    if (m[0].startsWith('</')) {
      if (open.pop() !== tag) throw new Error(`telegram: unbalanced </${tag}> in ${html.slice(0, 200)}`);
    } else open.push(tag);
  }
  if (open.length) throw new Error(`telegram: unclosed <${open.join('>, <')}> in ${html.slice(0, 200)}`);
  const bare = html.replace(TAG, '');
  if (/[<>]|&(?!(amp|lt|gt|quot);)/.test(bare)) throw new Error(`telegram: unescaped markup in ${html.slice(0, 200)}`);
  if ([...htmlToText(html)].length > limit) throw new Error(`telegram: text over ${limit} characters`);
}

function transcriptOf(calls: RecordedCall[]): Transcript {
  const t: Transcript = { text: '', images: 0, files: [], buttons: [] };
  const parts: string[] = [];
  for (const c of calls) {
    const p = c.params;
    if (c.method === 'sendMessage') {
      const html = String(p['text'] ?? '');
      // Parse mode HTML unless the adapter fell back to plain text after a refusal (it logs that as a bug).
      if (p['parse_mode'] === 'HTML') checkTelegramHtml(html, 4096);
      parts.push(p['parse_mode'] === 'HTML' ? htmlToText(html) : html);
    }
    if (c.method === 'sendPhoto') t.images += 1;
    if (c.method === 'sendDocument') {
      const doc = p['document'] as { filename: string; size: number };
      t.files.push({ name: doc.filename, bytes: doc.size });
    }
    if (c.method !== 'sendMessage' && p['caption']) {
      checkTelegramHtml(String(p['caption']), 1024);
      parts.push(htmlToText(String(p['caption'])));
    }
    for (const row of (p['reply_markup']?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][]) {
      for (const b of row) if (b.callback_data !== undefined) t.buttons.push(b.text);
    }
  }
  t.text = parts.join('\n\n').trim();
  return t;
}

/**
 * The Telegram adapter in long polling against a fake Bot API server on loopback: real Update JSON in,
 * recorded sendMessage / sendPhoto / sendDocument calls out. To know when an answer is complete without
 * sleeping, the core is observed (not changed): after it answers, the number of Bot API calls its replies
 * plan to is awaited (one apology message if the core threw).
 */
export function telegramTarget(flavor: DbFlavor): MakeTarget {
  return async (env) => {
    const fake = await startFakeTelegram();
    const ctx = await startTestApp(flavor, {
      ...env,
      TELEGRAM_BOT_TOKEN: '123:contract',
      TELEGRAM_API_ROOT: fake.apiRoot,
    });
    const core = createBotCore(ctx.app);
    const expected = new Map<string, (calls: number) => void>();
    const observe = async (user: ChatUser, work: () => Promise<Reply[]>): Promise<Reply[]> => {
      const settle = expected.get(user.chatId);
      try {
        const replies = await work();
        settle?.(replies.reduce((n, r) => n + planReply(r).length, 0));
        return replies;
      } catch (err) {
        settle?.(1);
        throw err;
      }
    };
    const observed: ChatCore = {
      commands: core.commands,
      handleText: (u, text) => observe(u, () => core.handleText(u, text)),
      handleAction: (u, action) => observe(u, () => core.handleAction(u, action)),
    };
    const bot = await startTelegramBot(ctx.app, observed, { mode: 'polling' });
    return {
      app: ctx.app,
      baseUrl: ctx.baseUrl,
      newChat: async () => telegramDriver(ctx.app, fake, expected),
      async close() {
        await bot.stop();
        await ctx.close();
        await fake.close();
      },
    };
  };
}

function telegramDriver(
  app: BotTarget['app'],
  fake: FakeTelegram,
  expected: Map<string, (calls: number) => void>,
): Driver {
  seq += 1;
  const from: TgUser = { id: 880_000 + seq, is_bot: false, first_name: 'Tess', last_name: `T${seq}` };
  const chatId = String(from.id);
  const toChat = () =>
    fake.calls.filter((c) => TO_CHAT.has(c.method) && c.status === 200 && String(c.params['chat_id']) === chatId);
  let presses = 0;

  const exchange = async (update: Record<string, unknown>): Promise<Transcript> => {
    const before = toChat().length;
    const planned = new Promise<number>((resolve) => expected.set(chatId, resolve));
    fake.pushUpdate(update);
    const n = await withTimeout(planned, 15_000, 'the core never answered the update');
    expected.delete(chatId);
    await fake.waitFor(() => toChat().length >= before + n);
    return transcriptOf(toChat().slice(before));
  };

  return {
    async linkAs(partnerId) {
      const { code } = await issueLinkCode(app, partnerId);
      return exchange(textUpdate(`/link ${code}`, from));
    },
    command: (line) => exchange(textUpdate(`/${line}`, from)),
    send: (text) => exchange(textUpdate(text, from)),
    async press(label) {
      // The newest keyboard that has this label: what the partner sees at the bottom of the chat.
      const data = toChat()
        .reverse()
        .flatMap(
          (c) => (c.params['reply_markup']?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][],
        )
        .flat()
        .find((b) => b.text === label)?.callback_data;
      if (data === undefined) throw new Error(`telegram: no inline button "${label}" was sent to chat ${chatId}`);
      presses += 1;
      const t = await exchange(callbackUpdate(`cb-${chatId}-${presses}`, data, from));
      await fake.waitFor((calls) =>
        calls.some(
          (c) => c.method === 'answerCallbackQuery' && c.params['callback_query_id'] === `cb-${chatId}-${presses}`,
        ),
      );
      return t;
    },
    olderButtons: true,
    close: async () => {},
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
