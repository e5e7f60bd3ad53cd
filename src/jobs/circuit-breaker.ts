import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../infra/logger.js';

/**
 * Per-endpoint circuit breaker (endpoint = scheme://host:port), shared by every worker process through Redis.
 * When most of an endpoint's recent attempts fail (failureRatio of the last windowSize within windowMs) it
 * opens: deliveries to it wait (re-delayed, no attempt spent) for a cool-down, then one half-open probe is
 * let through; success closes it, failure reopens it with a doubled cool-down. Separately, a streak of
 * failures marks the endpoint "failing" so low-volume postbacks also produce a "started failing" event.
 *
 * Outcomes are batched per endpoint and flushed every flushMs in one Lua call, so a busy worker costs Redis a
 * few calls per second per endpoint, not one per attempt. Redis trouble fails OPEN (we send): the breaker
 * protects partners from hammering, it must never be the reason a postback is not sent.
 */

export interface BreakerOptions {
  windowSize: number;
  windowMs: number;
  minAttempts: number;
  failureRatio: number;
  cooldownMs: number;
  maxCooldownMs: number;
  /** Consecutive failures that make a postback "failing" (an event, no pause). */
  failingStreak: number;
  /** How long a paused delivery waits while another process's probe is in flight. */
  probeWaitMs: number;
  flushMs: number;
  /** How long a process trusts its cached view of an endpoint's state. */
  stateCacheMs: number;
  prefix: string;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  windowSize: 20,
  windowMs: 5 * 60_000,
  minAttempts: 20,
  failureRatio: 0.8,
  cooldownMs: 60_000,
  maxCooldownMs: 30 * 60_000,
  failingStreak: 5,
  probeWaitMs: 5_000,
  flushMs: 100,
  stateCacheMs: 1_000,
  prefix: 'pd:cb',
};

export type Gate = { kind: 'allow' } | { kind: 'probe' } | { kind: 'pause'; until: number };

export interface Contributor {
  postbackId: number;
  partnerId: number;
}

export type BreakerTransition =
  | { kind: 'opened'; endpoint: string; until: number; who: Contributor[] }
  | { kind: 'failing'; endpoint: string; who: Contributor[] }
  | { kind: 'recovered'; endpoint: string; who: Contributor[] };

export interface CircuitBreaker {
  check(endpoint: string): Promise<Gate>;
  record(endpoint: string, failed: boolean, probe: boolean, who: Contributor): void;
  close(): Promise<void>;
}

// KEYS: window list, state hash, probe key.
// ARGV: now, windowSize, windowMs, minAttempts, ratio, cooldown, maxCooldown, streakLimit, probe (-1|0|1), outcomes...
const RECORD = `
local now = tonumber(ARGV[1])
local out = {}
local state = redis.call('HGET', KEYS[2], 'state')
local probe = tonumber(ARGV[9])
if state == 'open' then
  if probe == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
    return 'recovered'
  elseif probe == 1 then
    local cd = math.min(tonumber(redis.call('HGET', KEYS[2], 'cooldown') or ARGV[6]) * 2, tonumber(ARGV[7]))
    redis.call('HSET', KEYS[2], 'until', now + cd, 'cooldown', cd)
    redis.call('DEL', KEYS[3])
    return ''
  end
  return ''
end
local streak = tonumber(redis.call('HGET', KEYS[2], 'streak') or '0')
local failing = redis.call('HGET', KEYS[2], 'failing') == '1'
for i = 10, #ARGV do
  local o = ARGV[i]
  redis.call('LPUSH', KEYS[1], now .. ':' .. o)
  if o == '1' then
    streak = streak + 1
    if streak >= tonumber(ARGV[8]) and not failing then failing = true; table.insert(out, 'failing') end
  else
    streak = 0
    if failing then failing = false; table.insert(out, 'recovered') end
  end
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('HSET', KEYS[2], 'streak', streak, 'failing', failing and '1' or '0')
redis.call('PEXPIRE', KEYS[2], 604800000)
local n, fails = 0, 0
for _, it in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local sep = string.find(it, ':')
  if now - tonumber(string.sub(it, 1, sep - 1)) <= tonumber(ARGV[3]) then
    n = n + 1
    if string.sub(it, sep + 1) == '1' then fails = fails + 1 end
  end
end
if n >= tonumber(ARGV[4]) and fails >= tonumber(ARGV[5]) * n then
  local cd = tonumber(ARGV[6])
  redis.call('HSET', KEYS[2], 'state', 'open', 'until', now + cd, 'cooldown', cd, 'failing', '1')
  redis.call('DEL', KEYS[1])
  table.insert(out, 'opened:' .. (now + cd))
end
return table.concat(out, ',')
`;

interface Pending {
  outcomes: string[];
  who: Map<number, Contributor>;
  probe: -1 | 0 | 1;
}

export function createCircuitBreaker(
  redis: Redis,
  opts: Partial<BreakerOptions>,
  deps: { logger: Logger; now: () => number; onTransition: (t: BreakerTransition) => void },
): CircuitBreaker {
  const o = { ...DEFAULT_BREAKER, ...opts };
  const log = deps.logger.child({ component: 'circuit-breaker' });
  // Freshness is judged against the injected clock (fetched); the LRU only bounds memory per endpoint.
  const cache = new LRUCache<string, { open: boolean; until: number; fetched: number }>({ max: 10_000 });
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const keys = (e: string) => [`${o.prefix}:{${e}}:w`, `${o.prefix}:{${e}}:s`, `${o.prefix}:{${e}}:p`] as const;

  async function state(endpoint: string, now: number) {
    const hit = cache.get(endpoint);
    if (hit && now - hit.fetched < o.stateCacheMs) return hit;
    const [s, until] = await redis.hmget(keys(endpoint)[1], 'state', 'until');
    const fresh = { open: s === 'open', until: Number(until ?? 0), fetched: now };
    cache.set(endpoint, fresh);
    return fresh;
  }

  async function check(endpoint: string): Promise<Gate> {
    const now = deps.now();
    try {
      const s = await state(endpoint, now);
      if (!s.open) return { kind: 'allow' };
      if (now < s.until) return { kind: 'pause', until: s.until };
      const won = await redis.set(keys(endpoint)[2], '1', 'PX', Math.max(o.probeWaitMs * 4, 20_000), 'NX');
      return won ? { kind: 'probe' } : { kind: 'pause', until: now + o.probeWaitMs };
    } catch (err) {
      log.warn({ err: (err as Error).message, event: 'breaker.redis_error' }, 'circuit breaker unavailable; sending');
      return { kind: 'allow' };
    }
  }

  async function flushOne(endpoint: string, p: Pending): Promise<void> {
    const now = deps.now();
    const [w, s, pr] = keys(endpoint);
    const args = [now, o.windowSize, o.windowMs, o.minAttempts, o.failureRatio, o.cooldownMs, o.maxCooldownMs];
    const res = String(
      await redis.eval(RECORD, 3, w, s, pr, ...args, o.failingStreak, p.probe, ...(p.probe === -1 ? p.outcomes : [])),
    );
    cache.delete(endpoint);
    const who = [...p.who.values()].slice(0, 20);
    const kinds = res ? res.split(',') : [];
    const opened = kinds.find((k) => k.startsWith('opened:'));
    if (opened) {
      const until = Number(opened.slice(7));
      cache.set(endpoint, { open: true, until, fetched: now });
      deps.onTransition({ kind: 'opened', endpoint, until, who });
    } else if (kinds.includes('failing')) deps.onTransition({ kind: 'failing', endpoint, who });
    if (kinds.includes('recovered')) deps.onTransition({ kind: 'recovered', endpoint, who });
  }

  function flush(): Promise<void> {
    timer = null;
    const batch = [...pending.entries()];
    pending.clear();
    flushing = flushing.then(async () => {
      for (const [endpoint, p] of batch) {
        await flushOne(endpoint, p).catch((err) =>
          log.warn({ err: (err as Error).message, endpoint, event: 'breaker.record_failed' }, 'breaker record failed'),
        );
      }
    });
    return flushing;
  }

  return {
    check,
    record(endpoint, failed, probe, who) {
      // A probe's answer is its own flush: it alone decides whether the endpoint reopens or closes.
      if (probe) {
        const p: Pending = { outcomes: [], who: new Map([[who.postbackId, who]]), probe: failed ? 1 : 0 };
        flushing = flushing.then(() => flushOne(endpoint, p)).catch(() => {});
        return;
      }
      const p: Pending = pending.get(endpoint) ?? { outcomes: [], who: new Map(), probe: -1 };
      p.outcomes.push(failed ? '1' : '0');
      p.who.set(who.postbackId, who);
      pending.set(endpoint, p);
      if (!timer) timer = setTimeout(() => void flush(), o.flushMs);
    },
    async close() {
      if (timer) clearTimeout(timer);
      await flush();
    },
  };
}
