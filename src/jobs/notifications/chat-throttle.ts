import type { Redis } from 'ioredis';
import type { ChatTarget } from '../../db/repositories/notifications.js';
import { PER_CHAT_MS } from './queue.js';

export interface ChatThrottle {
  /** Takes this chat's send slot: 0 when it may send now, else how many ms to wait first. */
  reserve(chat: ChatTarget): Promise<number>;
  /** The platform said "retry after": no message to this chat before then, from any process. */
  block(chat: ChatTarget, ms: number): Promise<void>;
}

/**
 * About one message a second per chat, shared by every notification worker: a Redis key per chat that
 * lives for the interval. SET NX is the reservation, so two workers never both take the same slot.
 */
export function createChatThrottle(redis: Redis, prefix: string, intervalMs = PER_CHAT_MS): ChatThrottle {
  const keyOf = (c: ChatTarget) => `${prefix}:notify-chat:${c.platform}:${c.chatId}`;
  return {
    async reserve(chat) {
      const key = keyOf(chat);
      if ((await redis.set(key, '1', 'PX', intervalMs, 'NX')) === 'OK') return 0;
      const ttl = await redis.pttl(key);
      // -2: expired between the two calls; try again almost at once.
      return ttl > 0 ? ttl : 5;
    },
    async block(chat, ms) {
      await redis.set(keyOf(chat), '1', 'PX', Math.max(1, Math.ceil(ms)));
    },
  };
}
