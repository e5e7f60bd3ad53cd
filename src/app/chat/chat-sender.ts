import type { NotificationView } from './notification-view.js';

/**
 * The port a chat platform's adapter implements to deliver notifications (bots/telegram/telegram-sender.ts):
 * it renders the platform-neutral view its own way and sends it. The notification jobs see only this.
 */
export interface ChatSender {
  platform: string;
  send(chatId: string, view: NotificationView): Promise<void>;
}

/** The platform asked us to slow down; nothing was delivered. */
export class ChatRateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`chat platform rate limit: retry after ${retryAfterMs} ms`);
    this.name = 'ChatRateLimitedError';
  }
}

/** The chat cannot receive messages (bot blocked, chat deleted): asking again will not help. */
export class ChatUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatUnreachableError';
  }
}
