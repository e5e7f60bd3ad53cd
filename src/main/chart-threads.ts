import { availableParallelism } from 'node:os';
import type { Config } from '../config/index.js';

/**
 * How many chart threads a process gets: CHART_THREADS when set; otherwise undefined (the pool's own
 * default, min(2, cores)) where chats and HTTP are answered, since reports with charts then wait less; and
 * min(2, cores - 1), at least 1, in a worker-only process. Its event loop composes and sends every digest
 * while the threads draw, so it needs a core of its own: on 2 cores one thread sent digests as fast as two
 * (the run is CPU-bound either way) and the role peaked ~80 MB lower (bench:digest, CHART_THREADS=1 vs 2).
 */
export function chartThreadsFor(config: Pick<Config, 'chartThreads'>, servesChat: boolean): number | undefined {
  if (config.chartThreads !== undefined) return config.chartThreads;
  return servesChat ? undefined : Math.max(1, Math.min(2, availableParallelism() - 1));
}
