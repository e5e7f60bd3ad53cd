import { Redis, type RedisOptions } from 'ioredis';
import { withTimeout } from './with-timeout.js';

/**
 * One PING over a throwaway connection that never retries nor queues (for `doctor`): the outcome is the
 * awaited result, within ~3.5 s, whatever state the server is in.
 */
export async function pingRedis(opts: RedisOptions): Promise<void> {
  const client = new Redis({
    ...opts,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // the outcome is read from the awaited calls
  try {
    await withTimeout(client.connect(), 3500, 'Redis');
    const pong = await withTimeout(client.ping(), 3000, 'Redis');
    if (pong !== 'PONG') throw new Error(`answered ${pong} to PING`);
  } finally {
    client.disconnect();
  }
}
