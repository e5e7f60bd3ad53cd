import { type Processor, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a URL (REDIS_URL) or options (the self-started local server's socket). */
export type RedisTarget = RedisOptions | string;

/** Connection settings shared by every connection of a process, without per-connection behaviour. */
export interface RedisBase {
  host?: string;
  port?: number;
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  family?: number;
  tls?: object;
}

/**
 * Producers fail fast: an API request or a dispatcher must get an error, not hang, while Redis is away (the
 * rows wait in the database). A Worker's own connection must never give up (BullMQ's guidance).
 */
const PRODUCER = { maxRetriesPerRequest: 1, enableOfflineQueue: false } as const;
const WORKER = { maxRetriesPerRequest: null } as const;

/** The app's producer connection (health checks, caches); connects at once. */
export function openProducerRedis(target: RedisTarget): Redis {
  return typeof target === 'string' ? new Redis(target, { ...PRODUCER }) : new Redis({ ...target, ...PRODUCER });
}

export function redisBaseOf(redis: Redis): RedisBase {
  const { host, port, path, username, password, db, tls, family } = redis.options;
  return { host, port, path, username, password, db, tls, family };
}

/** BullMQ queues, workers and extra producer connections, all on one Redis; built once by the root. */
export interface QueueFactory {
  queue(name: string, opts: Omit<QueueOptions, 'connection'>): Queue;
  worker<D, R>(name: string, processor: Processor<D, R>, opts: Omit<WorkerOptions, 'connection'>): Worker<D, R>;
  /** A producer connection of its own (a circuit breaker's or a throttle's scripts), ready when resolved. */
  connection(): Promise<Redis>;
}

export function createQueueFactory(base: RedisBase): QueueFactory {
  return {
    queue: (name, opts) => new Queue(name, { ...opts, connection: { ...base, ...PRODUCER } }),
    worker: (name, processor, opts) => new Worker(name, processor, { ...opts, connection: { ...base, ...WORKER } }),
    async connection() {
      // Commands sent before the first connect would fail at once (no offline queue): wait for it.
      const redis = new Redis({ ...base, ...PRODUCER, lazyConnect: true });
      await redis.connect();
      return redis;
    },
  };
}
