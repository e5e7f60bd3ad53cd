import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../src/infra/logger.js';

/** Slack retries an event for up to about an hour after the first delivery (three tries). */
const EVENT_TTL_SEC = 60 * 60;

export interface EventDedup {
  /** True the first time this event id is seen by any process; false for a redelivery. */
  firstSeen(eventId: string): Promise<boolean>;
}

/**
 * Slack redelivers an event it thinks we missed (X-Slack-Retry-Num), possibly to another process: the event id
 * is claimed with Redis SET NX EX, shared by every bots process. Without Redis (or while it is down) a
 * per-process memory keeps single-process setups right; a Redis error lets the event through, since handling
 * a message twice is better than losing it.
 */
export function createEventDedup(redis: Redis | null, prefix: string, log: Logger): EventDedup {
  const local = new LRUCache<string, true>({ max: 10_000 });
  return {
    async firstSeen(eventId) {
      if (local.get(eventId)) return false;
      local.set(eventId, true);
      if (!redis) return true;
      try {
        return (await redis.set(`${prefix}:slack-event:${eventId}`, '1', 'EX', EVENT_TTL_SEC, 'NX')) === 'OK';
      } catch (err) {
        log.warn({ event: 'slack.dedup_unavailable', err: (err as Error).message }, 'event de-duplication skipped');
        return true;
      }
    },
  };
}
