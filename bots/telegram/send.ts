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

/** Sends one planned message to a chat, in HTML parse mode, with 429 retries. */
export async function sendOutgoing(
  telegram: Telegram,
  chatId: string,
  o: Outgoing,
  policy: RetryPolicy,
  log: Logger,
): Promise<void> {
  const markup = o.keyboard ? { reply_markup: o.keyboard } : {};
  switch (o.kind) {
    case 'message': {
      const extra = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true }, ...markup };
      try {
        await withRetry(() => telegram.sendMessage(chatId, o.html, extra), policy, log, 'sendMessage');
      } catch (err) {
        if (!isParseError(err)) throw err;
        log.error(
          { event: 'telegram.html_refused', err, html: o.html },
          'telegram refused our HTML; sent as plain text',
        );
        const plain = { link_preview_options: { is_disabled: true }, ...markup };
        await withRetry(() => telegram.sendMessage(chatId, htmlToPlain(o.html), plain), policy, log, 'sendMessage');
      }
      return;
    }
    case 'photo': {
      const photo = 'png' in o.photo ? { source: Buffer.from(o.photo.png), filename: 'image.png' } : o.photo.url;
      const extra = { parse_mode: 'HTML' as const, ...(o.caption ? { caption: o.caption } : {}), ...markup };
      await withRetry(() => telegram.sendPhoto(chatId, photo, extra), policy, log, 'sendPhoto');
      return;
    }
    case 'document': {
      const doc = { source: Buffer.from(o.data), filename: o.filename };
      const extra = { parse_mode: 'HTML' as const, ...(o.caption ? { caption: o.caption } : {}), ...markup };
      await withRetry(() => telegram.sendDocument(chatId, doc, extra), policy, log, 'sendDocument');
      return;
    }
  }
}
