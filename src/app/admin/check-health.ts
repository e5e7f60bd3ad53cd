import { pingDatabase } from '../../db/repositories/health.js';
import type { App } from '../../main/create-app.js';

// Short: a probe that hangs is worse than one that fails, load balancers give up after a few seconds anyway.
// The DB gets more room: on SQLite the check waits for the one connection, which a write batch may hold.
const DB_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 1_000;

export type PartStatus = 'ok' | 'not_configured' | `error: ${string}`;

/**
 * Can this process serve (GET /healthz)? Each part is 'ok', 'not_configured' (a role without Redis, still
 * healthy) or "error: <one-line reason>" naming what an operator should look at.
 */
export async function checkHealth(
  app: Pick<App, 'db' | 'redis'>,
): Promise<{ healthy: boolean; db: PartStatus; redis: PartStatus }> {
  const [db, redis] = await Promise.all([checkDb(app), checkRedis(app)]);
  return { healthy: db === 'ok' && (redis === 'ok' || redis === 'not_configured'), db, redis };
}

async function checkDb(app: Pick<App, 'db'>): Promise<PartStatus> {
  return check(() => pingDatabase(app.db), DB_TIMEOUT_MS);
}

async function checkRedis(app: Pick<App, 'redis'>): Promise<PartStatus> {
  const redis = app.redis;
  if (!redis) return 'not_configured';
  // The producer connection has no offline queue: a PING sent while it is still (re)connecting fails at once.
  // So wait (within the timeout) for it to be ready; a Redis that is really down never gets there.
  return check(async () => {
    if (redis.status !== 'ready') await onceReady(redis, REDIS_TIMEOUT_MS);
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${JSON.stringify(pong)}`);
  }, REDIS_TIMEOUT_MS);
}

/** Resolves on 'ready', rejects on the next connection error or after `ms`; never leaves listeners behind. */
function onceReady(redis: NonNullable<App['redis']>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (redis.status === 'end') return reject(new Error('connection closed'));
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    // The connection error ("connect ECONNREFUSED ...") tells the operator more than a timeout would.
    const onError = (err: Error) => done(err);
    const timer = setTimeout(() => done(new Error(`not connected within ${ms} ms`)), ms);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

async function check(fn: () => PromiseLike<unknown>, timeoutMs: number): Promise<PartStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([fn(), timeout]);
    return 'ok';
  } catch (err) {
    return `error: ${shortReason(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** One line, no stack, bounded: the body is public and read by humans and dashboards. */
function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const line = msg.split('\n')[0]?.trim() || 'unknown error';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
