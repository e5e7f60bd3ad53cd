import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/** One Redis channel for every cache; the message names the cache (topic) and, optionally, one key of it. */
export const CACHE_CHANNEL = 'partnerdesk:cache-changes';

export type CacheTopic = 'api-keys' | 'tracking';

export interface CacheBus {
  /**
   * Call after the change has COMMITTED: this process forgets at once, every other process when the message
   * arrives (a millisecond or so). Without `key` the whole cache is forgotten. Never throws: if Redis cannot
   * take the message, the other processes fall back on their caches' TTL (and the failure is logged).
   */
  publish(topic: CacheTopic, key?: string | number): Promise<void>;
  /** `forget(undefined)`: forget everything (a change without a key, or a reconnect that may have missed some). */
  subscribe(topic: CacheTopic, forget: (key?: string) => void): () => void;
  /**
   * False while the subscription is down: a change made meanwhile would go unheard, so caches must not answer
   * from memory until it is back (and then they start empty).
   */
  live(): boolean;
  close(): Promise<void>;
}

export interface CacheBusOptions {
  logger: Logger;
  /** Where to PUBLISH; a function is called on first use (one-shot CLI verbs connect only if they publish). */
  publisher: Redis | null | (() => Promise<Redis | null>);
  /**
   * A dedicated connection for SUBSCRIBE (a subscribed connection can do nothing else), owned by the bus.
   * null: nobody else to hear from (a single process without Redis, a CLI verb): the bus is local only.
   */
  subscriber: Redis | null;
}

/**
 * Cache invalidation across processes over Redis pub/sub. Caches keep their TTL as a safety net, but
 * correctness does not rest on it: a process whose subscription drops stops trusting its caches until it has
 * subscribed again (see live()).
 */
export function createCacheBus(opts: CacheBusOptions): CacheBus {
  const log = opts.logger.child({ component: 'cache-bus' });
  const handlers = new Map<CacheTopic, Set<(key?: string) => void>>();
  const sub = opts.subscriber;
  let subscribed = sub === null;
  let closed = false;

  const deliver = (topic: CacheTopic, key?: string) => {
    for (const h of handlers.get(topic) ?? []) h(key);
  };
  const forgetAll = () => {
    for (const topic of handlers.keys()) deliver(topic, undefined);
  };

  if (sub) {
    sub.on('message', (channel: string, message: string) => {
      if (channel !== CACHE_CHANNEL) return;
      const sep = message.indexOf(':');
      const topic = (sep < 0 ? message : message.slice(0, sep)) as CacheTopic;
      deliver(topic, sep < 0 ? undefined : message.slice(sep + 1));
    });
    sub.on('close', () => {
      if (subscribed)
        log.warn({ event: 'cache_bus.down' }, 'cache invalidation channel lost; caches bypassed until back');
      subscribed = false;
    });
    // (Re)subscribe, then start from empty caches, then trust them again: a change published before the
    // subscription was acknowledged is covered by the forgetting, one published after is heard.
    sub.on('ready', () => {
      sub.subscribe(CACHE_CHANNEL).then(
        () => {
          if (closed) return;
          forgetAll();
          subscribed = true;
        },
        (err: Error) =>
          log.warn({ err: err.message, event: 'cache_bus.subscribe_failed' }, 'cache channel subscribe failed'),
      );
    });
    sub.on('error', (err: Error) => log.debug({ err: err.message }, 'cache channel connection problem'));
  }

  let publisher: Promise<Redis | null> | null = null;
  const publisherOf = () => {
    publisher ??= typeof opts.publisher === 'function' ? opts.publisher() : Promise.resolve(opts.publisher);
    return publisher;
  };

  return {
    async publish(topic, key) {
      deliver(topic, key === undefined ? undefined : String(key));
      const message = key === undefined ? topic : `${topic}:${key}`;
      try {
        const redis = await publisherOf();
        await redis?.publish(CACHE_CHANNEL, message);
      } catch (err) {
        log.warn(
          { err: (err as Error).message, event: 'cache_bus.publish_failed', topic },
          'could not announce a change to other processes; they see it when their cache entry expires',
        );
      }
    },
    subscribe(topic, forget) {
      const set = handlers.get(topic) ?? new Set();
      handlers.set(topic, set);
      set.add(forget);
      return () => set.delete(forget);
    },
    live: () => subscribed,
    async close() {
      closed = true;
      subscribed = false;
      if (sub) await sub.quit().catch(() => sub.disconnect());
      if (typeof opts.publisher === 'function' && publisher) {
        const p = await publisher.catch(() => null);
        await p?.quit().catch(() => p.disconnect());
      }
    },
  };
}
