/**
 * A bounded map for hot-path caches whose keys come from the outside world (parsed user agents, tracking
 * look-ups): without a bound, a flood of made-up keys would grow memory without limit.
 *
 * Approximate LRU in two generations (the "hashlru" scheme): reads hit one Map.get; an entry read from the
 * old generation moves to the new one; when the new generation reaches `max`, the old one is dropped whole.
 * So at most 2 x max entries are held and recently used ones survive, without the delete-and-reinsert per
 * read that exact LRU on a Map costs. Optional time to live per entry.
 */
export class LruCache<K, V> {
  private fresh = new Map<K, { v: V; until: number }>();
  private old = new Map<K, { v: V; until: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    let e = this.fresh.get(key);
    if (!e) {
      e = this.old.get(key);
      if (!e) return undefined;
      this.old.delete(key);
      this.put(key, e);
    }
    if (this.ttlMs !== Number.POSITIVE_INFINITY && e.until <= this.clock()) {
      this.fresh.delete(key);
      return undefined;
    }
    return e.v;
  }

  set(key: K, v: V): void {
    this.old.delete(key);
    const until = this.ttlMs === Number.POSITIVE_INFINITY ? this.ttlMs : this.clock() + this.ttlMs;
    this.put(key, { v, until });
  }

  delete(key: K): void {
    this.fresh.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.fresh.clear();
    this.old.clear();
  }

  private put(key: K, e: { v: V; until: number }): void {
    this.fresh.set(key, e);
    if (this.fresh.size >= this.max) {
      this.old = this.fresh;
      this.fresh = new Map();
    }
  }
}
