import { Telegram, TelegramError } from 'telegraf';
import type { NotificationView } from '../../src/app/chat/notification-view.js';
import type { App } from '../../src/main/create-app.js';
import {
  ChatRateLimitedError,
  type ChatSender,
  ChatUnreachableError,
  renderNotification,
} from '../core/notifications.js';
import { planReply } from './render-reply.js';
import { sendOutgoing } from './send.js';

/**
 * Notifications through the Bot API with the adapter's own rendering. No retry here: a 429 goes back to the
 * notification queue as ChatRateLimitedError, which waits retry_after without holding a worker slot.
 */
export function createTelegramSender(app: App): ChatSender {
  const cfg = app.config.telegram;
  if (!cfg) throw new Error('Telegram notifications need TELEGRAM_BOT_TOKEN (the token @BotFather gave you)');
  const telegram = new Telegram(cfg.token, { apiRoot: cfg.apiRoot, webhookReply: false });
  const log = app.logger.child({ component: 'telegram-notify' });
  return {
    platform: 'telegram',
    async send(chatId: string, view: NotificationView) {
      const r = renderNotification(view, 'telegram');
      for (const o of planReply(r)) {
        try {
          await sendOutgoing(telegram, chatId, o, { maxRetries: 0, maxRetryAfterSec: 0 }, log);
        } catch (err) {
          if (!(err instanceof TelegramError)) throw err;
          if (err.code === 429) throw new ChatRateLimitedError((err.parameters?.retry_after ?? 1) * 1000);
          // 403: the user blocked the bot or left the group; 400 "chat not found": the chat is gone.
          if (err.code === 403 || (err.code === 400 && /chat not found/i.test(err.description))) {
            throw new ChatUnreachableError(`telegram chat ${chatId}: ${err.description}`);
          }
          // Any other refusal is about this part only: asking again would not help, and the rest of the
          // notification is still worth having.
          log.error(
            { err, event: 'telegram.part_lost', kind: o.kind, chatId },
            'could not send part of a notification',
          );
        }
      }
    },
  };
}
