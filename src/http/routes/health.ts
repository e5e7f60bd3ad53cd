import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/create-app.js';
import type { RouteOptions } from '../server.js';

/**
 * GET /healthz: can this process serve? 200 `{"status":"ok","db":"ok","redis":"ok"}`, or 503 with the failing
 * part spelled out (`"redis":"error: <reason>"`) so an operator sees which dependency to look at.
 * A role running without Redis reports `"redis":"not_configured"` and is still healthy.
 * GET /metrics: Prometheus text of this process's registry.
 */

// Short: a probe that hangs is worse than one that fails, load balancers give up after a few seconds anyway.
// The DB gets more room: on SQLite the check waits for the one connection, which a write batch may hold.
const DB_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 1_000;

type PartStatus = 'ok' | 'not_configured' | `error: ${string}`;

export async function healthRoutes(server: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { app } = opts;

  server.get('/healthz', async (_req, reply) => {
    const [db, redis] = await Promise.all([checkDb(app), checkRedis(app)]);
    const healthy = db === 'ok' && (redis === 'ok' || redis === 'not_configured');
    if (!healthy) app.logger.warn({ event: 'health.check.failed', db, redis }, 'health check failed');
    return reply
      .status(healthy ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: healthy ? 'ok' : 'error', db, redis });
  });

  server.get('/metrics', async (_req, reply) => {
    const text = await app.metrics.registry.metrics();
    return reply
      .header('content-type', app.metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(text);
  });
}

async function checkDb(app: App): Promise<PartStatus> {
  return check(() => app.db.raw('select 1'), DB_TIMEOUT_MS);
}

async function checkRedis(app: App): Promise<PartStatus> {
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
