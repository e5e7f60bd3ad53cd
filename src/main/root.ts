import type { ChatSender } from '../app/chat/chat-sender.js';
import type { Config } from '../config/index.js';
import type { LocalRedis } from '../infra/local-redis.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { type App, type CreateAppOptions, createApp } from './create-app.js';
import { ROLES, type RoleName, type RunningRole } from './roles.js';

/**
 * The composition root: the one place that builds what a process shares — logger, database connection(s),
 * Redis (the operator's, or one started under DATA_DIR), queues, outbound HTTP clients, the chart renderer,
 * geo and user-agent look-ups, commit signals (all through createApp) — and starts the roles a CLI verb asks
 * for. Nothing below it constructs a client, pool, connection or thread of its own (scripts/check-wiring.mjs
 * holds that line); tests build the same App through createApp and pass their own parts.
 */
export interface Root {
  app: App;
  logger: Logger;
  /** Set when this process started (or adopted) the local Redis. */
  localRedis: LocalRedis | null;
  /** Starts a role; it is stopped by close(), roles in reverse order of starting. */
  start(role: RoleName): Promise<RunningRole>;
  /** Stops the roles, then the app (queued writes committed), then a local Redis this process owns. */
  close(): Promise<void>;
}

export interface RootOptions
  extends Pick<CreateAppOptions, 'readPool' | 'chartThreads' | 'charts' | 'now' | 'cacheBus' | 'metrics'> {
  logger?: Logger;
  /** 'auto' (default): REDIS_URL, else a local server under DATA_DIR. 'none': no Redis (one-shot verbs). */
  redis?: 'auto' | 'none';
}

export async function createRoot(config: Config, opts: RootOptions = {}): Promise<Root> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  let localRedis: LocalRedis | null = null;
  const wantRedis = (opts.redis ?? 'auto') === 'auto';
  if (wantRedis && !config.redisUrl) {
    const { startLocalRedis } = await import('../infra/local-redis.js');
    localRedis = await startLocalRedis({ dataDir: config.dataDir, logger });
  }
  let app: App;
  try {
    app = await createApp(config, {
      logger,
      redis: wantRedis ? (config.redisUrl ?? localRedis?.redisOptions ?? null) : null,
      ...(opts.readPool !== undefined && { readPool: opts.readPool }),
      ...(opts.chartThreads !== undefined && { chartThreads: opts.chartThreads }),
      ...(opts.charts && { charts: opts.charts }),
      ...(opts.now && { now: opts.now }),
      ...(opts.cacheBus && { cacheBus: opts.cacheBus }),
      ...(opts.metrics && { metrics: opts.metrics }),
    });
  } catch (err) {
    await localRedis?.stop().catch(() => {});
    throw err;
  }
  const running: { name: RoleName; role: RunningRole }[] = [];
  const senders: ChatSender[] = [];
  return {
    app,
    logger,
    localRedis,
    async start(name) {
      const role = await ROLES[name]({ app, senders });
      running.push({ name, role });
      return role;
    },
    async close() {
      for (const { name, role } of running.reverse()) {
        await role.stop().catch((err) => logger.warn({ err, role: name }, 'role stop failed'));
      }
      await app.close().catch((err) => logger.warn({ err }, 'app close failed'));
      await localRedis?.stop().catch((err) => logger.warn({ err }, 'local redis stop failed'));
    },
  };
}
