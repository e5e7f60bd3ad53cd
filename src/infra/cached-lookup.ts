import { LRUCache } from 'lru-cache';

/** A loaded value is returned as is (no promise, no microtask hop on the hot path); a miss as a promise. */
export type Cached<T> = T | Promise<T>;

export interface CachedLookup<K, V> {
  get(key: K): Cached<V>;
  delete(key: K): void;
  clear(): void;
  /** Cached entries, for forgetting by something other than the key (an API key by its id). */
  entries(): Iterable<[K, V]>;
}

export interface CachedLookupOptions<V> {
  /** Entries kept; keys often come from the outside world, so the cache must be bounded. */
  max: number;
  ttlMs: number;
  /** false: answer from the source, not from memory (the invalidation channel is down, see cache-bus.ts). */
  trusted?: () => boolean;
  /** Results that must not be remembered (for example "no such API key": a key created later must work). */
  keep?: (value: V) => boolean;
}

/**
 * A bounded TTL cache in front of an async look-up (lru-cache with its fetchMethod): concurrent misses of one
 * key share one load, a failed load is not remembered, and a hit is answered synchronously. A load that is
 * in flight when its key is forgotten is abandoned and done again, so the answer reflects the change that
 * caused the forgetting.
 */
export function createCachedLookup<K extends {}, V>(
  load: (key: K) => Promise<V>,
  opts: CachedLookupOptions<V>,
): CachedLookup<K, V> {
  // lru-cache stores no null/undefined, and a "not found" must be cached too: values travel boxed. A value not
  // to keep is still handed to the loads waiting on it, then dropped.
  const lru = new LRUCache<K, { v: V; drop: boolean }>({
    max: opts.max,
    ttl: opts.ttlMs,
    fetchMethod: async (key) => {
      const v = await load(key);
      return { v, drop: opts.keep ? !opts.keep(v) : false };
    },
  });
  return {
    get(key) {
      if (opts.trusted && !opts.trusted()) return load(key);
      const hit = lru.get(key);
      if (hit && !hit.drop) return hit.v;
      return lru.fetch(key).then(
        (box) => {
          if (!box) return load(key);
          if (box.drop) lru.delete(key);
          return box.v;
        },
        (err: unknown) => {
          // Forgotten (or evicted) while loading: lru-cache aborts the fetch. Load again, after the change.
          const reason = (err as Error | undefined)?.message;
          if (reason === 'deleted' || reason === 'evicted') return load(key);
          throw err;
        },
      );
    },
    delete: (key) => {
      lru.delete(key);
    },
    clear: () => lru.clear(),
    *entries() {
      for (const [k, box] of lru.entries()) if (!box.drop) yield [k, box.v];
    },
  };
}
