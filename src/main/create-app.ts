import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { type ApiPrincipal, createApiKeyVerifier } from '../app/admin/api-keys.js';
import { createCommitSignals } from '../app/commit-signals.js';
import { createChatOptInCache } from '../app/conversions/conversion-notifications.js';
import { type ConversionWriter, createConversionWriter } from '../app/conversions/conversion-writer.js';
import type { Deps } from '../app/deps.js';
import { createHandlerSlot, type HandlerSlot, type TelegramUpdateHandler } from '../app/handler-slot.js';
import { createUserAgentClassifier, type UserAgentInfo } from '../app/tracking/classify-user-agent.js';
import { type ClickWriter, createClickWriter } from '../app/tracking/click-writer.js';
import { createGeoLookup, type GeoLookup } from '../app/tracking/geo.js';
import { createTrackingCache, type TrackingCache } from '../app/tracking/tracking-cache.js';
import type { ChartRenderer } from '../charts/index.js';
import type { Config } from '../config/index.js';
import { createDb, createReadDb, migrateLatest } from '../db/knex.js';
import { setUpWalCheckpoints } from '../db/wal-checkpoints.js';
import type { SlackBinding } from '../http/routes/slack-events.js';
import { type CacheBus, createCacheBus } from '../infra/cache-bus.js';
import { createLogger, type Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { securePrivateData } from '../infra/private-files.js';
import type { QueueFactory, RedisTarget } from '../infra/redis.js';
import type { SafeHttpClient } from '../outbound/safe-http.js';

/** Everything the adapters (HTTP, CLI, jobs, bots) need, wired once. */
export interface App extends Deps {
  verifyApiKey: (key: string | undefined) => Promise<ApiPrincipal>;
  /** Producer connection: fails fast (BullMQ's guidance for producers); null when the role needs no Redis. */
  redis: Redis | null;
  /** BullMQ queues and workers on that Redis (null without Redis); every role's queues come from here. */
  queues: QueueFactory | null;
  metrics: Metrics;
  /** The one PNG chart renderer (worker threads, started on the first chart). */
  charts: ChartRenderer;
  /** Country of a click's address (GeoLite2 country data, loaded on first use). */
  geo: GeoLookup;
  classifyUserAgent: (ua: string) => UserAgentInfo;
  /** Where a Telegram bot in webhook mode attaches its update handler for POST /telegram/webhook. */
  telegramWebhook: HandlerSlot<TelegramUpdateHandler>;
  /** Where the Slack bot (HTTP mode) hands /slack/events its Bolt receiver and OAuth pages. */
  slackEvents: HandlerSlot<SlackBinding>;
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
  redis?: RedisTarget | null;
  /** The chart renderer (default: worker threads, logging through `logger`); closed with the app either way. */
  charts?: ChartRenderer;
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
  /** Chart worker threads when `charts` is not given (main/chart-threads.ts); default: the pool's own. */
  chartThreads?: number | undefined;
  /** How this process announces and hears cache changes (default: pub/sub on `redis`; local only without it). */
  cacheBus?: CacheBus;
  /** Default: a prom-client registry served at /metrics. One-shot CLI verbs pass infra/null-metrics. */
  metrics?: Metrics;
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
    signals: createCommitSignals(),
    chatOptIns: createChatOptInCache(opts.now ?? Date.now),
    testFireHttp: lazyTestFireClient(config),
  };
  const redisOpt = opts.redis === undefined ? (config.redisUrl ?? null) : opts.redis;
  // Loaded only when there is a Redis: BullMQ and ioredis are most of a one-shot CLI verb's start-up time.
  const redisKit = redisOpt === null ? null : await import('../infra/redis.js');
  const redis = redisKit && redisOpt !== null ? redisKit.openProducerRedis(redisOpt) : null;
  redis?.on('error', (err) => logger.warn({ err: err.message, event: 'redis.error' }, 'redis connection problem'));
  const cacheBus =
    opts.cacheBus ??
    createCacheBus({
      logger,
      publisher: redis,
      subscriber: redis ? redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }) : null,
    });
  deps.cacheBus = cacheBus;
  const queues = redisKit && redis ? redisKit.createQueueFactory(redisKit.redisBaseOf(redis)) : null;
  const charts = opts.charts ?? lazyChartRenderer(logger, opts.chartThreads ?? config.chartThreads);

  const closers: (() => Promise<unknown>)[] = [];
  // Loaded only when no metrics are given: one-shot CLI verbs pass null metrics and skip prom-client.
  const metrics = opts.metrics ?? (await import('../infra/metrics.js')).createMetrics();
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
    queues,
    metrics,
    charts,
    geo: createGeoLookup({ dataDir: config.dataDir, logger }),
    classifyUserAgent: createUserAgentClassifier(),
    telegramWebhook: createHandlerSlot<TelegramUpdateHandler>(),
    slackEvents: createHandlerSlot<SlackBinding>(),
    conversionWriter,
    clickWriter,
    trackingCache: createTrackingCache(deps),
    onClose: (fn) => closers.push(fn),
    async close() {
      for (const c of closers.reverse()) await c().catch((err) => logger.warn({ err }, 'close failed'));
      await cacheBus.close();
      await charts.close().catch((err) => logger.warn({ err }, 'chart renderer close failed'));
      await deps.testFireHttp?.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await stopCheckpoints?.();
      await ownReadDb?.destroy();
      if (!opts.db) await db.destroy();
    },
  };
  return app;
}

/** The renderer's module (resvg, fonts) loads on the first chart: most processes and verbs draw none. */
function lazyChartRenderer(logger: Logger, size: number | undefined): ChartRenderer {
  let pool: Promise<ChartRenderer> | null = null;
  return {
    async render(spec) {
      pool ??= import('../charts/index.js').then((m) =>
        m.createChartRenderer({ logger: logger.child({ component: 'charts' }), ...(size && { size }) }),
      );
      return (await pool).render(spec);
    },
    async close() {
      await (await pool)?.close();
    },
  };
}

/** One SSRF-safe client for every test fire of this process, made on the first one. */
function lazyTestFireClient(config: Config): SafeHttpClient {
  let client: Promise<SafeHttpClient> | null = null;
  const get = () =>
    (client ??= import('../outbound/safe-http.js').then((m) =>
      m.createSafeHttpClient({ allowPrivateNetworks: config.postbacks.allowPrivateNetworks, timeoutMs: 10_000 }),
    ));
  return {
    send: async (req) => (await get()).send(req),
    close: async () => {
      if (client) await (await client).close();
    },
  };
}
