import { Redis, type RedisOptions } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../config/index.js';
import { createDb, createReadDb, migrateLatest } from '../db/knex.js';
import { setUpWalCheckpoints } from '../db/wal-checkpoints.js';
import { type CacheBus, createCacheBus } from '../infra/cache-bus.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createMetrics, type Metrics } from '../infra/metrics.js';
import { securePrivateData } from '../infra/private-files.js';
import { type ApiPrincipal, createApiKeyVerifier } from './api-keys.js';
import { type ClickWriter, createClickWriter } from './click-writer.js';
import { type ConversionWriter, createConversionWriter } from './conversion-writer.js';
import type { Deps } from './deps.js';
import { createTrackingCache, type TrackingCache } from './tracking-cache.js';

/** Everything the adapters (HTTP, CLI, jobs, bots) need, wired once. */
export interface App extends Deps {
  verifyApiKey: (key: string | undefined) => Promise<ApiPrincipal>;
  /** Producer connection: fails fast (BullMQ's guidance for producers); null when the role needs no Redis. */
  redis: Redis | null;
  metrics: Metrics;
  /** Group-commit writer behind /postback and the conversions upload (see conversion-writer.ts). */
  conversionWriter: ConversionWriter;
  /** Group-commit writer for tracking clicks (see click-writer.ts); flushed on close(). */
  clickWriter: ClickWriter;
  /** Cached campaign/partner/access look-ups of the tracking redirect; call clear() after changing them. */
  trackingCache: TrackingCache;
  /** Registers a shutdown step; steps run in reverse order of registration on close(). */
  onClose(fn: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  logger?: Logger;
  now?: () => number;
  /** Where Redis is: the operator's REDIS_URL or the self-started local server. Null: run without Redis. */
  redis?: RedisOptions | string | null;
  /** Run pending migrations first (default true). */
  migrate?: boolean;
  db?: Knex;
  /** With `db`: its read pool, if the caller wants one (SQLite); owned by the caller, like `db`. */
  readDb?: Knex;
  /**
   * Without `db`, on a SQLite file: open the read pool for reports, balances and WAL checkpoints (default
   * true). Processes that serve neither (a worker-only process, one-shot CLI verbs) skip it: each reader is a
   * thread of ~10 MB, and without one the writer checkpoints the WAL itself, as SQLite does by default.
   */
  readPool?: boolean;
  /** How this process announces and hears cache changes (default: pub/sub on `redis`; local only without it). */
  cacheBus?: CacheBus;
}

export async function createApp(config: Config, opts: CreateAppOptions = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  securePrivateData(config.dataDir, (msg, err) => logger.warn({ err, event: 'data_dir.not_private' }, msg));
  const db = opts.db ?? createDb(config.database);
  if (opts.migrate !== false) await migrateLatest(db);
  // A database passed in by the caller (tests, benches) comes with its read pool (or none) and its own
  // checkpoint arrangements; a SQLite file opened here gets both.
  const ownReadDb = opts.db || opts.readPool === false ? null : createReadDb(config.database);
  const stopCheckpoints = opts.db ? null : await setUpWalCheckpoints(db, ownReadDb, logger);
  const readDb = opts.readDb ?? ownReadDb;
  const deps: Deps = {
    config,
    db,
    ...(readDb ? { readDb } : {}),
    logger,
    now: opts.now ?? Date.now,
  };
  const redisOpt = opts.redis === undefined ? (config.redisUrl ?? null) : opts.redis;
  const redis =
    redisOpt === null
      ? null
      : typeof redisOpt === 'string'
        ? new Redis(redisOpt, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
        : new Redis({ ...redisOpt, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis?.on('error', (err) => logger.warn({ err: err.message, event: 'redis.error' }, 'redis connection problem'));
  const cacheBus =
    opts.cacheBus ??
    createCacheBus({
      logger,
      publisher: redis,
      subscriber: redis ? redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }) : null,
    });
  deps.cacheBus = cacheBus;

  const closers: (() => Promise<unknown>)[] = [];
  const metrics = createMetrics();
  const conversionWriter = createConversionWriter(deps, {
    onBatch: (n) => metrics.batchSize.observe({ writer: 'conversions' }, n),
  });
  // Registered first so it runs last: queued conversions are written before anything else shuts down.
  closers.push(() => conversionWriter.close());
  const clickWriter = createClickWriter(deps, { metrics });
  closers.push(() => clickWriter.close());
  const app: App = {
    ...deps,
    verifyApiKey: createApiKeyVerifier(deps),
    redis,
    metrics,
    conversionWriter,
    clickWriter,
    trackingCache: createTrackingCache(deps),
    onClose: (fn) => closers.push(fn),
    async close() {
      for (const c of closers.reverse()) await c().catch((err) => logger.warn({ err }, 'close failed'));
      await cacheBus.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await stopCheckpoints?.();
      await ownReadDb?.destroy();
      if (!opts.db) await db.destroy();
    },
  };
  return app;
}
