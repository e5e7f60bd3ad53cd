import { type Telegram, TelegramError } from 'telegraf';
import type { Logger } from '../../src/infra/logger.js';
import type { Outgoing } from './render-reply.js';

export interface RetryPolicy {
  /** How many times one call is retried after a 429 before giving up. */
  maxRetries: number;
  /** A retry_after longer than this is not waited for: the partner would have given up by then. */
  maxRetryAfterSec: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, maxRetryAfterSec: 60 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one Bot API call, retrying when Telegram answers 429 (flood control) after the retry_after it names.
 * Anything else is thrown at once: a 400 will not get better by asking again, and a network failure is
 * the caller's to report.
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, log: Logger, what: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const retryAfter = err instanceof TelegramError && err.code === 429 ? (err.parameters?.retry_after ?? 1) : null;
      if (retryAfter === null || attempt >= policy.maxRetries || retryAfter > policy.maxRetryAfterSec) throw err;
      log.warn({ event: 'telegram.rate_limited', method: what, retryAfter, attempt }, 'telegram asked to slow down');
      await sleep(retryAfter * 1000);
    }
  }
}

/** Telegram said our HTML is malformed: a renderer bug, but the partner should still get the words. */
function isParseError(err: unknown): boolean {
  return err instanceof TelegramError && err.code === 400 && /can't parse entities/i.test(err.description);
}

function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * Telegram refused this picture or file itself (it could not fetch the URL, "wrong file identifier/HTTP URL
 * specified", a PNG it cannot process, a file too big): the chat is fine, so a message can go instead.
 */
function isMediaRefused(err: unknown): boolean {
  return (
    err instanceof TelegramError && (err.code === 400 || err.code === 413) && !/chat not found/i.test(err.description)
  );
}

async function sendMessage(
  telegram: Telegram,
  chatId: string,
  html: string,
  markup: object,
  policy: RetryPolicy,
  log: Logger,
): Promise<void> {
  const extra = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true }, ...markup };
  try {
    await withRetry(() => telegram.sendMessage(chatId, html, extra), policy, log, 'sendMessage');
  } catch (err) {
    if (!isParseError(err)) throw err;
    log.error({ event: 'telegram.html_refused', err, html }, 'telegram refused our HTML; sent as plain text');
    const plain = { link_preview_options: { is_disabled: true }, ...markup };
    await withRetry(() => telegram.sendMessage(chatId, htmlToPlain(html), plain), policy, log, 'sendMessage');
  }
}

/**
 * Sends one planned message to a chat, in HTML parse mode, with 429 retries. A picture or file Telegram
 * refuses becomes its fallback message (caption, a link or a note, and the same buttons).
 */
export async function sendOutgoing(
  telegram: Telegram,
  chatId: string,
  o: Outgoing,
  policy: RetryPolicy,
  log: Logger,
): Promise<void> {
  const markup = o.keyboard ? { reply_markup: o.keyboard } : {};
  if (o.kind === 'message') return sendMessage(telegram, chatId, o.html, markup, policy, log);
  const extra = { parse_mode: 'HTML' as const, ...(o.caption ? { caption: o.caption } : {}), ...markup };
  try {
    if (o.kind === 'photo') {
      const photo = 'png' in o.photo ? { source: Buffer.from(o.photo.png), filename: 'image.png' } : o.photo.url;
      await withRetry(() => telegram.sendPhoto(chatId, photo, extra), policy, log, 'sendPhoto');
    } else {
      const doc = { source: Buffer.from(o.data), filename: o.filename };
      await withRetry(() => telegram.sendDocument(chatId, doc, extra), policy, log, 'sendDocument');
    }
  } catch (err) {
    if (!isMediaRefused(err)) throw err;
    log.warn(
      { event: 'telegram.media_refused', kind: o.kind, err: (err as TelegramError).description },
      'telegram refused a picture or file; sent a message in its place',
    );
    await sendMessage(telegram, chatId, o.fallbackHtml, markup, policy, log);
  }
}

/** Stands in for a part that could not be sent at all, so the buttons that rode on it still arrive. */
export const PART_LOST_HTML = '<i>Part of this answer could not be sent.</i>';

/**
 * Sends the planned messages of one answer in order. A part that fails (after its fallback) is logged and
 * skipped rather than ending the answer: the partner gets every other part, and the buttons of a lost part
 * follow on a short note. Returns how many parts were lost.
 */
export async function sendPlanned(
  telegram: Telegram,
  chatId: string,
  planned: Outgoing[],
  policy: RetryPolicy,
  log: Logger,
): Promise<number> {
  let lost = 0;
  for (const o of planned) {
    try {
      await sendOutgoing(telegram, chatId, o, policy, log);
    } catch (err) {
      lost += 1;
      log.error({ err, event: 'telegram.part_lost', kind: o.kind, chatId }, 'could not send part of an answer');
      if (!o.keyboard) continue;
      const keyboard = o.keyboard;
      await sendMessage(telegram, chatId, PART_LOST_HTML, { reply_markup: keyboard }, policy, log).catch((e) =>
        log.error({ err: e, event: 'telegram.send_failed', chatId }, 'could not send the buttons of a lost part'),
      );
    }
  }
  return lost;
}
