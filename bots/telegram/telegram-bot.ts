import { createHash } from 'node:crypto';
import { Telegraf, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { App } from '../../src/main/create-app.js';
import type { ChatUser, Command } from '../core/command.js';
import type { Reply } from '../core/reply.js';
import { planReply } from './render-reply.js';
import { DEFAULT_RETRY, type RetryPolicy, sendPlanned, withRetry } from './send.js';
import { chatOfUpdate, createUpdateCoordination } from './update-coordination.js';

/** The part of the bot core this adapter uses (bots/core/bot-core.ts builds it). */
export interface ChatCore {
  handleText(user: ChatUser, text: string): Promise<Reply[]>;
  handleAction(user: ChatUser, action: string): Promise<Reply[]>;
  commands: Pick<Command, 'name' | 'summary'>[];
}

export interface TelegramBotOptions {
  /** Default: webhook when TELEGRAM_WEBHOOK_SECRET is set, else long polling. */
  mode?: 'polling' | 'webhook';
  retry?: RetryPolicy;
  /** How long a chat lock or the poller lease lives without renewal (several processes; default 10 s). */
  leaseMs?: number;
}

export interface RunningTelegramBot {
  mode: 'polling' | 'webhook';
  /** Stops taking updates, then waits for the replies already under way. */
  stop(): Promise<void>;
}

export const FRIENDLY_ERROR =
  'Sorry, something went wrong on our side and I could not answer that. Please try again in a minute; ' +
  'if it keeps happening, tell your partner manager.';
const TEXT_ONLY = 'I can only read text messages and button presses. Send /help to see what I can do.';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The Telegram adapter: takes updates (long polling, or the webhook route), turns them into core calls with a
 * normalised ChatUser, and renders the Replies. Work for one chat runs one update at a time, so a partner's
 * answers arrive in the order they asked; different chats run side by side. With Redis, any number of
 * processes may run the bot (update-coordination.ts): each update_id is handled once, a chat's webhook updates
 * run one at a time across processes, and one process polls while the others stand by.
 */
export async function startTelegramBot(
  app: App,
  core: ChatCore,
  opts: TelegramBotOptions = {},
): Promise<RunningTelegramBot> {
  const cfg = app.config.telegram;
  if (!cfg) throw new Error('the Telegram bot needs TELEGRAM_BOT_TOKEN (the token @BotFather gave you)');
  const log = app.logger.child({ component: 'telegram' });
  const retry = opts.retry ?? DEFAULT_RETRY;
  const mode = opts.mode ?? (cfg.webhookSecret ? 'webhook' : 'polling');
  // webhookReply off: every call is a real Bot API request we can check, retry and log.
  const bot = new Telegraf(cfg.token, { telegram: { apiRoot: cfg.apiRoot, webhookReply: false } });
  const telegram = bot.telegram;

  const chains = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  const perChat = (chatId: string, work: () => Promise<void>) => {
    const next = (chains.get(chatId) ?? Promise.resolve())
      .then(work)
      .catch((err) => log.error({ err, event: 'telegram.update_failed', chatId }, 'telegram update failed'));
    chains.set(chatId, next);
    inflight.add(next);
    void next.finally(() => {
      inflight.delete(next);
      if (chains.get(chatId) === next) chains.delete(chatId);
    });
  };

  /** Resolves when the work queued for this chat so far (in this process) is done. */
  const settleChat = async (chatId: string) => {
    let c = chains.get(chatId);
    while (c) {
      await c;
      const next = chains.get(chatId);
      c = next === c ? undefined : next;
    }
  };

  const answer = async (user: ChatUser, update: number, produce: () => Promise<Reply[]>) => {
    let replies: Reply[];
    try {
      replies = await produce();
    } catch (err) {
      // Whatever broke, the partner gets a plain apology, never a stack trace; the log gets the details.
      log.error({ err, event: 'telegram.update_failed', update, chatId: user.chatId }, 'telegram update failed');
      await withRetry(() => telegram.sendMessage(user.chatId, FRIENDLY_ERROR), retry, log, 'sendMessage').catch((e) =>
        log.error({ err: e, event: 'telegram.send_failed', chatId: user.chatId }, 'could not send apology'),
      );
      return;
    }
    // The answer exists: a part Telegram refuses is replaced or skipped (sendPlanned), never the whole answer
    // swapped for an apology after half of it arrived.
    for (const r of replies) {
      const planned = planReply(r, (button, reason) =>
        log.error({ event: 'telegram.button_dropped', action: 'action' in button ? button.action : '' }, reason),
      );
      await sendPlanned(telegram, user.chatId, planned, retry, log);
    }
  };

  bot.on('message', (ctx) => {
    const msg = ctx.message;
    const user = chatUser(ctx.from, msg.chat.id);
    if (!('text' in msg)) {
      perChat(user.chatId, () => answer(user, ctx.update.update_id, async () => [textReply(TEXT_ONLY)]));
      return;
    }
    // In a group the bot answers commands only: chatter between members is not addressed to it.
    if (msg.chat.type !== 'private' && !msg.text.startsWith('/')) return;
    const text = textForCore(msg.text, bot.botInfo?.username);
    if (text === null) return; // a command meant for another bot in a group
    perChat(user.chatId, () => answer(user, ctx.update.update_id, () => core.handleText(user, text)));
  });

  bot.on('callback_query', (ctx) => {
    const q = ctx.callbackQuery;
    // Answered first and always: until it is, the partner's button shows a spinner (and Telegram gives up
    // on it after a few seconds anyway), whatever the action does next.
    withRetry(() => telegram.answerCbQuery(q.id), retry, log, 'answerCallbackQuery').catch((err) =>
      log.warn({ err, event: 'telegram.answer_callback_failed' }, 'could not answer a callback query'),
    );
    if (!('data' in q) || !q.data) return;
    const data = q.data;
    const user = chatUser(q.from, q.message?.chat.id ?? q.from.id);
    perChat(user.chatId, () => answer(user, ctx.update.update_id, () => core.handleAction(user, data)));
  });

  bot.catch((err, ctx) =>
    log.error({ err, event: 'telegram.update_failed', update: ctx.update.update_id }, 'telegram update failed'),
  );

  bot.botInfo = await withRetry(() => telegram.getMe(), retry, log, 'getMe');
  await setCommands(core, (cmds) => withRetry(() => telegram.setMyCommands(cmds), retry, log, 'setMyCommands')).catch(
    (err) => log.warn({ err, event: 'telegram.set_commands_failed' }, 'could not set the bot command menu'),
  );

  const coordination = app.redis
    ? createUpdateCoordination({
        redis: app.redis,
        // One namespace per bot and Bot API server; hashed, so the token never appears in Redis.
        prefix: `pd:tg:${createHash('sha256')
          .update(`${cfg.apiRoot ?? ''}|${cfg.token}`)
          .digest('hex')
          .slice(0, 16)}`,
        logger: app.logger,
        leaseMs: opts.leaseMs,
      })
    : null;
  /** Handles an update unless another process (or an earlier delivery) already did. */
  const take = async (update: Update) => {
    if (coordination && !(await coordination.firstSeen(update.update_id))) return;
    await bot.handleUpdate(update);
  };

  let stopPolling: (() => Promise<void>) | null = null;
  let detach: (() => void) | null = null;
  let settleQueues: (() => Promise<void>) | null = null;
  if (mode === 'webhook') {
    const url = `${app.config.publicUrl}/telegram/webhook`;
    await withRetry(
      () => telegram.setWebhook(url, { secret_token: cfg.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] }),
      retry,
      log,
      'setWebhook',
    );
    if (coordination) {
      const chats = coordination.createChatQueue(async (raw) => {
        await bot.handleUpdate(raw as Update);
        await settleChat(chatOfUpdate(raw));
      });
      settleQueues = () => chats.settle();
      detach = app.telegramWebhook.attach(async (raw) => {
        const update = raw as Update;
        if (!(await coordination.firstSeen(update.update_id))) return;
        await chats.push(chatOfUpdate(update), update.update_id, update).catch(async (err) => {
          // Redis took the update id but not the update: handle it here rather than lose it.
          log.warn({ err: (err as Error).message, event: 'telegram.chat_queue_unavailable' }, 'handling locally');
          await bot.handleUpdate(update);
        });
      });
    } else {
      detach = app.telegramWebhook.attach((update) => bot.handleUpdate(update as Update));
    }
    log.info({ event: 'telegram.started', mode, url, bot: bot.botInfo.username }, 'telegram bot listening on webhook');
  } else {
    // A webhook left over from an earlier run would make getUpdates fail with 409.
    await withRetry(() => telegram.deleteWebhook(), retry, log, 'deleteWebhook');
    stopPolling = coordination
      ? coordination.runAsSolePoller((signal) => pollUpdates(bot, log, take, signal))
      : startPolling(bot, log, take);
    log.info({ event: 'telegram.started', mode, bot: bot.botInfo.username }, 'telegram bot polling');
  }

  return {
    mode,
    async stop() {
      detach?.();
      await stopPolling?.();
      await settleQueues?.();
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

/**
 * Long polling with our own loop rather than bot.launch(): stop() can then abort a pending getUpdates at any
 * moment and confirm the last offset, so a restart neither hangs nor replays handled updates.
 */
function startPolling(bot: Telegraf, log: App['logger'], take: (u: Update) => Promise<void>): () => Promise<void> {
  const abort = new AbortController();
  const loop = pollUpdates(bot, log, take, abort.signal);
  return async () => {
    abort.abort();
    await loop;
  };
}

/** Polls until `signal` aborts (or the token is refused), then confirms what it handled. */
async function pollUpdates(
  bot: Telegraf,
  log: App['logger'],
  take: (u: Update) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let offset = 0;
  while (!signal.aborted) {
    try {
      const updates = await bot.telegram.callApi(
        'getUpdates',
        { timeout: 50, offset, allowed_updates: [...ALLOWED_UPDATES] },
        // biome-ignore lint/suspicious/noExplicitAny: telegraf types the signal as its abort-controller polyfill; node-fetch accepts the native one
        { signal: signal as any },
      );
      for (const u of updates) {
        offset = u.update_id + 1;
        await take(u);
      }
    } catch (err) {
      if (signal.aborted) break;
      const fatal = err instanceof TelegramError && err.code === 401;
      const wait = err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 5) : 5;
      log.error({ err, event: fatal ? 'telegram.token_refused' : 'telegram.poll_failed', wait }, 'getUpdates failed');
      if (fatal) return;
      await new Promise((resolve) => {
        const t = setTimeout(resolve, wait * 1000);
        signal.addEventListener('abort', () => resolve(clearTimeout(t)), { once: true });
      });
    }
  }
  // Confirms the handled updates to Telegram; without it the next poller would get them again.
  if (offset) await bot.telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 }).catch(() => {});
}

async function setCommands(core: ChatCore, send: (c: { command: string; description: string }[]) => Promise<unknown>) {
  // Telegram's menu takes 1-32 lowercase letters, digits and underscores, descriptions of 1-256 characters.
  const cmds = core.commands
    .filter((c) => /^[a-z0-9_]{1,32}$/.test(c.name))
    .slice(0, 100)
    .map((c) => ({ command: c.name, description: (c.summary || c.name).slice(0, 256) }));
  if (cmds.length) await send(cmds);
}

function chatUser(from: { id: number; first_name: string; last_name?: string }, chatId: number): ChatUser {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return { platform: 'telegram', userId: String(from.id), chatId: String(chatId), ...(name ? { name } : {}) };
}

/**
 * The text as the core should read it: the core parses `/name@Bot args` itself (and tells commands from free
 * text by the slash), so the only thing decided here is to ignore a command addressed to another bot in a
 * group chat (null).
 */
function textForCore(text: string, botUsername: string | undefined): string | null {
  const m = /^\/[A-Za-z0-9_]+@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  if (m?.[1] && botUsername && m[1].toLowerCase() !== botUsername.toLowerCase()) return null;
  return text;
}

function textReply(s: string): Reply {
  return { blocks: [{ kind: 'text', lines: [[s]] }] };
}
