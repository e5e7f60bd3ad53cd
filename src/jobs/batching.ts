/**
 * A small batcher that lets a worker running hundreds of jobs at once talk to the database in a few
 * statements: reads of deliveries that arrive in the same tick share one query (attempt outcomes are
 * written by group commit, src/infra/group-commit.ts). SQLite has one connection; without this every job
 * would wait for every other job's statements.
 */

export interface BatchLoader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export function createBatchLoader<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  maxBatch = 500,
): BatchLoader<K, V> {
  let pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += maxBatch) {
      const part = batch.slice(i, i + maxBatch);
      try {
        const found = await loadMany([...new Set(part.map((p) => p.key))]);
        for (const p of part) p.resolve(found.get(p.key));
      } catch (err) {
        for (const p of part) p.reject(err);
      }
    }
  };
  return {
    load(key) {
      return new Promise((resolve, reject) => {
        pending.push({ key, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

export interface Limiter {
  /** Runs fn once `weight` units are free (weights above the limit are clamped to it). */
  run<T>(fn: () => Promise<T>, weight?: number): Promise<T>;
}

/**
 * At most `max` units in use at once, the rest wait in arrival order. Used twice by the relay: sends in
 * flight (a batch job starts dozens at once), and deliveries loaded in memory (a batch job weighs its size),
 * so sockets and heap stay bounded by the configured concurrency whatever mix of jobs BullMQ hands us.
 */
export function createLimiter(max: number): Limiter {
  let used = 0;
  const waiting: { weight: number; go: () => void }[] = [];
  const pump = () => {
    while (waiting.length > 0 && used + (waiting[0]?.weight ?? 0) <= max) {
      const next = waiting.shift();
      if (!next) break;
      used += next.weight;
      next.go();
    }
  };
  return {
    async run(fn, weight = 1) {
      const w = Math.min(Math.max(1, weight), max);
      if (waiting.length === 0 && used + w <= max) used += w;
      else await new Promise<void>((go) => waiting.push({ weight: w, go }));
      try {
        return await fn();
      } finally {
        used -= w;
        pump();
      }
    },
  };
}
