import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** INCR with the window's expiry set by the first hit (a fixed window, as @fastify/rate-limit's own store). */
const INCR = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;
const READ = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(current), ttl}`;

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** Bounds the in-process fallback: past this many keys the least recently counted go (a flood must not grow memory). */
const MAX_LOCAL_KEYS = 20_000;

/**
 * Counters in Redis under `prefix`, shared by every process on that Redis. While Redis is not reachable (not
 * connected yet at start-up, or down) the counting goes on in this process, so a limit still holds per
 * process instead of switching off; nothing fails because of the limiter.
 */
export function redisFallbackStore(redis: Redis | null, prefix: string): FastifyRateLimitStoreCtor {
  const local = new LRUCache<string, { current: number; resetAt: number }>({ max: MAX_LOCAL_KEYS });
  const incrLocal = (key: string, timeWindow: number) => {
    const now = Date.now();
    let e = local.get(key);
    if (!e || e.resetAt <= now) {
      e = { current: 0, resetAt: now + timeWindow };
      local.set(key, e);
    }
    e.current += 1;
    return { current: e.current, ttl: e.resetAt - now };
  };
  const readLocal = (key: string) => {
    const e = local.get(key);
    const now = Date.now();
    return e && e.resetAt > now ? { current: e.current, ttl: e.resetAt - now } : { current: 0, ttl: 0 };
  };
  const run = (
    script: string,
    key: string,
    args: (string | number)[],
    fallback: () => { current: number; ttl: number },
    cb: Callback,
  ) => {
    if (redis?.status !== 'ready') return cb(null, fallback());
    redis.eval(script, 1, prefix + key, ...args).then(
      (r) => {
        const [current, ttl] = r as [number, number];
        cb(null, { current: Number(current), ttl: Number(ttl) });
      },
      () => cb(null, fallback()),
    );
  };
  class Store implements FastifyRateLimitStore {
    incr(key: string, cb: Callback, timeWindow: number): void {
      run(INCR, key, [timeWindow], () => incrLocal(key, timeWindow), cb);
    }
    read(key: string, cb: Callback): void {
      run(READ, key, [], () => readLocal(key), cb);
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return Store;
}
