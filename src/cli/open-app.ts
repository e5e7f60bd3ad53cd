import pino from 'pino';
import { type App, createApp } from '../app/create-app.js';
import { type Config, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createOneShotCacheBus } from '../infra/one-shot-cache-bus.js';

/**
 * Logs of one-shot verbs go to stderr at warn and above (unless LOG_LEVEL is stricter), so stdout holds
 * only what the verb prints and scripts can capture it.
 */
export function cliLogger(config: Config): Logger {
  const level = config.logLevel === 'silent' || ['error', 'fatal'].includes(config.logLevel) ? config.logLevel : 'warn';
  return createLogger(level, pino.destination({ fd: 2, sync: true }));
}

/**
 * For admin verbs: the app on the configured database (migrated), without Redis, closed after `fn`. A verb
 * that changes something running processes cache (a revoked key, a paused campaign) announces it through
 * Redis, connecting only then (see infra/one-shot-cache-bus.ts).
 */
export async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = cliLogger(config);
  const cacheBus = createOneShotCacheBus(config, logger);
  const app = await createApp(config, { logger, redis: null, readPool: false, cacheBus });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
