import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.js';
import type { App } from '../main/create-app.js';
import { bearerKey } from './auth.js';
import { errorBody } from './errors.js';
import { redisFallbackStore } from './rate-limit-store.js';

/**
 * Rate limits (README "Rate limits"), counted in Redis through @fastify/rate-limit's store, so a limit holds
 * across every api process sharing that Redis; a process without Redis, or while Redis is away, counts in
 * memory (rate-limit-store.ts): a limiter must neither switch off nor take the API down with it.
 *
 * The counters are kept per deployment: the key prefix is derived from the database the process serves, so
 * two deployments sharing one Redis (or the test suite's many throwaway databases) never share counters.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** Built once in buildServer; route plugins (webhooks) read their limits here. */
    rateLimits: RateLimits;
  }
}

const MINUTE = 60_000;
const AUTH_FAILURE_WINDOW = 15 * MINUTE;

type Check = (req: FastifyRequest, opts?: { increment?: boolean }) => Promise<LimitResult>;
type LimitResult =
  | { isAllowed: true; key: string }
  | { isAllowed: false; key: string; max: number; remaining: number; ttlInSeconds: number; isExceeded: boolean };

export interface RateLimit {
  /** What the caller did too often, for the 429 message: "API requests from this address". */
  readonly what: string;
  readonly check: Check;
  /** Counts a refusal in partnerdesk_rate_limited_total. */
  readonly refused: () => void;
}

export interface RateLimits {
  apiPerAddress: RateLimit | null;
  apiPerKey: RateLimit | null;
  /** Failed authentications per client address (API keys and webhook secrets). */
  authFailures: RateLimit | null;
  testFires: RateLimit | null;
  webhookPerAddress: RateLimit | null;
  trackingPerAddress: RateLimit | null;
}

/** The per-deployment part of the Redis key prefix; never contains the database password. */
function deploymentTag(config: Config): string {
  const db = config.database;
  const id =
    db.client === 'sqlite'
      ? db.filename
      : (() => {
          const u = new URL(db.url);
          return `${u.hostname}:${u.port}${u.pathname}`;
        })();
  return createHash('sha256').update(id).digest('hex').slice(0, 12);
}

/** The bearer key, hashed (never kept in clear in Redis); '' without one. */
export function bearerTag(req: FastifyRequest): string {
  const key = bearerKey(req);
  return key ? createHash('sha256').update(key).digest('hex').slice(0, 32) : '';
}

/** Registers the plugin (no global limit: each limit is applied where it belongs) and builds the limits. */
export async function setUpRateLimits(server: FastifyInstance, app: App): Promise<RateLimits> {
  await server.register(rateLimit, {
    global: false,
    skipOnError: true,
    store: redisFallbackStore(app.redis, `pd:rl:${deploymentTag(app.config)}:`),
  });
  const limits = app.config.rateLimits;
  const make = (
    name: string,
    what: string,
    max: number,
    timeWindow: number,
    keyOf: (req: FastifyRequest) => string,
  ): RateLimit | null =>
    max > 0
      ? {
          what,
          check: server.createRateLimit({ max, timeWindow, keyGenerator: (req) => `${name}:${keyOf(req)}` }),
          refused: () => app.metrics.rateLimited.inc({ limit: name }),
        }
      : null;
  return {
    apiPerAddress: make('api-ip', 'API requests from this address', limits.apiPerAddress, MINUTE, (r) => r.ip),
    apiPerKey: make('api-key', 'API requests with this key', limits.apiPerKey, MINUTE, bearerTag),
    authFailures: make(
      'auth-fail',
      'failed authentications from this address',
      limits.authFailures,
      AUTH_FAILURE_WINDOW,
      (r) => r.ip,
    ),
    testFires: make('test-fire', 'test fires with this key', limits.testFires, MINUTE, bearerTag),
    webhookPerAddress: make(
      'webhook',
      'webhook calls from this address',
      limits.webhookPerAddress,
      MINUTE,
      (r) => r.ip,
    ),
    trackingPerAddress: make('tracking', 'requests from this address', limits.trackingPerAddress, MINUTE, (r) => r.ip),
  };
}

/**
 * Counts this request against `limit`; when over it, answers 429 with Retry-After and returns true (the
 * caller's hook then returns the reply). `peek` reads without counting: "is this address locked out?".
 */
export async function refuseOverLimit(
  limit: RateLimit | null,
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { peek?: boolean } = {},
): Promise<boolean> {
  if (!limit) return false;
  const r = await limit.check(req, opts.peek ? { increment: false } : undefined);
  if (r.isAllowed) return false;
  const over = opts.peek ? r.remaining <= 0 : r.isExceeded;
  if (!over) return false;
  const retry = Math.max(1, r.ttlInSeconds);
  limit.refused();
  void reply
    .code(429)
    .header('retry-after', String(retry))
    .send(errorBody('rate_limited', `too many ${limit.what}; retry in ${retry} s`));
  return true;
}
