import { DelayedError, type Job, type Queue, RateLimitError } from 'bullmq';
import { ChatRateLimitedError, type ChatSender, ChatUnreachableError } from '../../app/chat/chat-sender.js';
import { chatKey, loadNotificationToSend } from '../../app/chat/notification-view.js';
import type { Deps } from '../../app/deps.js';
import {
  finishNotification,
  recordNotificationFailure,
  saveNotificationSentTo,
} from '../../db/repositories/notifications.js';
import type { ChatThrottle } from './chat-throttle.js';
import { notificationIdOf } from './queue.js';

/** Waits after a failed send (network, a 5xx of the platform); the row is dead after the last one. */
export const NOTIFY_RETRY_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000] as const;

export interface NotifyContext {
  deps: Deps;
  senders: Map<string, ChatSender>;
  throttle: ChatThrottle;
  queue: Queue;
  retryMs?: readonly number[];
}

/**
 * One job = one notification row to every chat that should get it. Sent chats are saved after each send, so
 * a retry resumes with the missing ones; a crash between a send and that save repeats one message
 * (at-least-once: repeated rather than lost). Waits never hold a worker slot: the per-chat interval and
 * retries move the job to delayed, and a 429 pauses the whole queue for retry_after (Telegram's flood
 * control is per bot as well as per chat).
 */
export function createNotifyProcessor(ctx: NotifyContext) {
  const { deps } = ctx;
  const log = deps.logger.child({ component: 'notifications' });
  const schedule = ctx.retryMs ?? NOTIFY_RETRY_MS;

  const later = async (job: Job, token: string | undefined, at: number): Promise<never> => {
    await job.moveToDelayed(Math.max(at, deps.now() + 1), token);
    throw new DelayedError();
  };

  return async function process(job: Job, token?: string): Promise<string> {
    const id = notificationIdOf(job.id);
    const n = await loadNotificationToSend(deps, id);
    if (!n) return 'not_pending';
    // Re-added early (reconciler after a Redis wipe) while a retry waits: keep to the row's own time.
    if (n.row.nextAttemptAt > deps.now() + 1_000) return later(job, token, n.row.nextAttemptAt);

    const sentTo = [...n.row.sentTo];
    for (const target of n.targets) {
      const key = chatKey(target);
      const sender = ctx.senders.get(target.platform);
      if (!sender) {
        // This process has no adapter for that platform (Slack off): leave the chat out rather than retry forever.
        log.warn({ event: 'notify.no_sender', id, platform: target.platform }, 'no sender for this chat platform');
        continue;
      }
      const wait = await ctx.throttle.reserve(target);
      if (wait > 0) {
        await saveNotificationSentTo(deps.db, id, sentTo);
        return later(job, token, deps.now() + wait);
      }
      try {
        await sender.send(target.chatId, n.view);
        sentTo.push(key);
        await saveNotificationSentTo(deps.db, id, sentTo);
      } catch (err) {
        if (err instanceof ChatUnreachableError) {
          log.warn({ event: 'notify.chat_unreachable', id, chat: key, err: err.message }, 'chat cannot receive');
          continue;
        }
        if (err instanceof ChatRateLimitedError) {
          log.warn({ event: 'notify.rate_limited', id, retryAfterMs: err.retryAfterMs }, 'platform asked to slow down');
          await saveNotificationSentTo(deps.db, id, sentTo);
          await ctx.throttle.block(target, err.retryAfterMs);
          await ctx.queue.rateLimit(err.retryAfterMs);
          // Back to waiting without spending an attempt; runs again once the pause is over.
          throw new RateLimitError();
        }
        const attempts = n.row.attempts + 1;
        const delay = schedule[attempts - 1];
        const message = err instanceof Error ? err.message : String(err);
        await saveNotificationSentTo(deps.db, id, sentTo);
        await recordNotificationFailure(deps.db, id, {
          attempts,
          nextAttemptAt: deps.now() + (delay ?? 0),
          error: message,
          dead: delay === undefined,
        });
        if (delay === undefined) {
          log.error({ event: 'notify.dead', id, attempts, err: message }, 'gave up on a chat notification');
          return 'dead';
        }
        log.warn({ event: 'notify.send_failed', id, attempts, err: message }, 'notification send failed; will retry');
        return later(job, token, deps.now() + delay);
      }
    }
    await finishNotification(deps.db, id, sentTo.length > 0 ? 'sent' : 'skipped', deps.now());
    return sentTo.length > 0 ? 'sent' : 'skipped';
  };
}
