import { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { type CacheBus, createCacheBus } from './cache-bus.js';
import { findLocalRedis } from './local-redis.js';
import type { Logger } from './logger.js';

/**
 * The cache bus of a one-shot CLI verb: it only publishes, and connects on the first publish to REDIS_URL or,
 * without one, to the local Redis a running `partnerdesk start` on this DATA_DIR shares. No Redis at all:
 * no process is running that could hold a stale cache, so there is nobody to tell.
 */
export function createOneShotCacheBus(config: Config, logger: Logger): CacheBus {
  return createCacheBus({
    logger,
    subscriber: null,
    publisher: async () => {
      const where = config.redisUrl ?? (await findLocalRedis(config.dataDir));
      if (!where) return null;
      // One try: a verb must end promptly whether or not Redis answers.
      const options = {
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        enableOfflineQueue: true,
        lazyConnect: true,
        retryStrategy: () => null,
      };
      const redis = typeof where === 'string' ? new Redis(where, options) : new Redis({ ...where, ...options });
      redis.on('error', () => {}); // the publish itself reports a failure
      await redis.connect();
      return redis;
    },
  });
}
