import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/infra/logger.js';

/**
 * What lets any number of `bots` processes share one Telegram bot (Redis):
 * - a repeated update_id is handled once (Telegram re-sends a webhook update it got no 2xx for, and a poller
 *   that takes over re-reads updates the previous one had not confirmed);
 * - in webhook mode one chat's updates run one at a time, in update_id order, whichever process each arrived
 *   at (a queue per chat, drained by whoever holds the chat's lock);
 * - in polling mode one process polls (Telegram answers a second getUpdates with 409) while the others stand by.
 */

/** Remembered update ids expire after a day: Telegram stops re-sending an update well before that. */
const SEEN_TTL_SEC = 86_400;

// Deletes / extends a key only while it still holds our token: a lock that expired and was taken by another
// process must not be released or renewed by us.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Takes a chat off the list of chats with queued updates, unless an update arrived meanwhile (then 1).
const FORGET_IF_EMPTY = `if redis.call('zcard', KEYS[1]) == 0 then redis.call('srem', KEYS[2], ARGV[1]) return 0 else return 1 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface UpdateCoordinationOptions {
  redis: Redis;
  /** Keys are prefixed with this (the bot's id: two bots on one Redis do not mix). */
  prefix: string;
  logger: Logger;
  /** A chat lock / poller lease lives this long without renewal (renewed every third of it). Default 10 s. */
  leaseMs?: number;
}

export function createUpdateCoordination(opts: UpdateCoordinationOptions) {
  const { redis, prefix } = opts;
  const leaseMs = opts.leaseMs ?? 10_000;
  const log = opts.logger.child({ component: 'telegram-coordination' });
  const release = (key: string, token: string) => redis.eval(RELEASE, 1, key, token);
  const extend = async (key: string, token: string) => Number(await redis.eval(EXTEND, 1, key, token, leaseMs)) === 1;

  /** True the first time any process asks about this update (fails open: Redis away, handle it). */
  async function firstSeen(updateId: number): Promise<boolean> {
    try {
      return (await redis.set(`${prefix}:seen:${updateId}`, '1', 'EX', SEEN_TTL_SEC, 'NX')) === 'OK';
    } catch (err) {
      log.warn({ err: (err as Error).message, event: 'telegram.dedupe_unavailable' }, 'could not check update id');
      return true;
    }
  }

  /**
   * Webhook mode: queue the update under its chat, then drain the chat's queue here unless another process
   * already does (it re-checks the queue after releasing the lock, so nothing is left behind). `handle`
   * resolves when the update's replies have gone out. An update leaves the queue only once handled, so one
   * whose process died mid-way is handled again by the next drainer (a reply may repeat; none is lost).
   * Chats with queued updates are listed in a set that every process sweeps once a lease: a drainer that
   * died is replaced within about two leases, without waiting for the chat's next update.
   */
  function createChatQueue(handle: (update: unknown) => Promise<void>) {
    const draining = new Set<Promise<void>>();
    const chatsKey = `${prefix}:chats`;
    const queueKey = (chat: string) => `${prefix}:chat:${chat}:q`;
    const lockKey = (chat: string) => `${prefix}:chat:${chat}:lock`;

    async function drain(chat: string): Promise<void> {
      for (;;) {
        const token = randomUUID();
        if ((await redis.set(lockKey(chat), token, 'PX', leaseMs, 'NX')) !== 'OK') return;
        const renew = setInterval(() => {
          extend(lockKey(chat), token).catch(() => {});
        }, leaseMs / 3);
        try {
          for (;;) {
            const [next] = await redis.zrange(queueKey(chat), 0, 0);
            if (next === undefined) break;
            await handle(JSON.parse(next)).catch((err) =>
              log.error({ err, event: 'telegram.update_failed', chat }, 'telegram update failed'),
            );
            await redis.zrem(queueKey(chat), next);
          }
        } finally {
          clearInterval(renew);
          await release(lockKey(chat), token).catch(() => {});
        }
        // An update queued after our last look found the lock still held and left it to us.
        if (Number(await redis.eval(FORGET_IF_EMPTY, 2, queueKey(chat), chatsKey, chat)) === 0) return;
      }
    }

    function start(chat: string): void {
      const d = drain(chat).catch((err) =>
        log.error({ err, event: 'telegram.chat_queue_failed', chat }, 'chat queue drain failed'),
      );
      draining.add(d);
      void d.finally(() => draining.delete(d));
    }

    /** Chats with queued updates and no live drainer: their drainer died. */
    async function sweep(): Promise<void> {
      for (const chat of await redis.smembers(chatsKey)) {
        if ((await redis.exists(lockKey(chat))) === 0) start(chat);
      }
    }
    const sweeper = setInterval(() => {
      sweep().catch((err) =>
        log.warn({ err: (err as Error).message, event: 'telegram.chat_sweep_failed' }, 'chat queue sweep failed'),
      );
    }, leaseMs);
    sweeper.unref();

    return {
      async push(chat: string, updateId: number, update: unknown): Promise<void> {
        await redis
          .multi()
          .zadd(queueKey(chat), updateId, JSON.stringify(update))
          .expire(queueKey(chat), SEEN_TTL_SEC)
          .sadd(chatsKey, chat)
          .exec();
        start(chat);
      },
      /** Stops sweeping and waits for the drains this process runs. */
      async settle(): Promise<void> {
        clearInterval(sweeper);
        while (draining.size) await Promise.allSettled([...draining]);
      },
    };
  }

  /**
   * Polling mode: one process holds the poller lease and polls; the others try again every third of the lease
   * and take over within about a lease after the poller dies. `poll(signal)` runs while the lease is held
   * and must return when `signal` aborts (lease lost or stop()).
   */
  function runAsSolePoller(poll: (signal: AbortSignal) => Promise<void>) {
    const key = `${prefix}:poller`;
    const stopping = new AbortController();
    const token = randomUUID();
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        stopping.signal.addEventListener('abort', () => resolve(clearTimeout(t)), { once: true });
      });
    const loop = (async () => {
      let standingBy = false;
      while (!stopping.signal.aborted) {
        const got = await redis.set(key, token, 'PX', leaseMs, 'NX').catch(() => null);
        if (got !== 'OK') {
          if (!standingBy) log.info({ event: 'telegram.poller_standby' }, 'another process polls; standing by');
          standingBy = true;
          await wait(leaseMs / 3);
          continue;
        }
        standingBy = false;
        log.info({ event: 'telegram.poller_active' }, 'this process polls Telegram');
        const lost = new AbortController();
        const onStop = () => lost.abort();
        stopping.signal.addEventListener('abort', onStop, { once: true });
        const renew = setInterval(() => {
          extend(key, token).then(
            (ok) => {
              if (!ok) lost.abort();
            },
            () => {}, // Redis away for a moment: keep polling until the lease is visibly someone else's
          );
        }, leaseMs / 3);
        try {
          await poll(lost.signal);
        } finally {
          clearInterval(renew);
          stopping.signal.removeEventListener('abort', onStop);
        }
        // poll() returned by itself: it cannot go on (the token was refused); let a standby try.
        if (!lost.signal.aborted) break;
        if (!stopping.signal.aborted) {
          log.warn({ event: 'telegram.poller_lease_lost' }, 'poller lease lost; standing by');
          await wait(leaseMs / 3);
        }
      }
      // Handing over at once: a standby process need not wait for the lease to expire.
      await release(key, token).catch(() => {});
    })();
    return async () => {
      stopping.abort();
      await loop;
    };
  }

  return { firstSeen, createChatQueue, runAsSolePoller };
}

/** The chat an update belongs to (what the adapter orders by), from the raw Update JSON. */
export function chatOfUpdate(update: unknown): string {
  const u = update as {
    message?: { chat?: { id?: number } };
    callback_query?: { message?: { chat?: { id?: number } }; from?: { id?: number } };
  };
  const id = u.message?.chat?.id ?? u.callback_query?.message?.chat?.id ?? u.callback_query?.from?.id;
  return id === undefined ? 'other' : String(id);
}
