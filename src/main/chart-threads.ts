import { availableParallelism } from 'node:os';
import type { Config } from '../config/index.js';

/**
 * How many chart threads a process gets: CHART_THREADS when set; otherwise undefined (the pool's own
 * default, min(2, cores)) where chats and HTTP are answered, since reports with charts then wait less; and
 * min(2, cores - 1), at least 1, in a worker-only process. Its event loop composes and sends every digest
 * while the threads draw, so it needs a core of its own. On 2 cores one thread sent 30-34 digests/s against
 * 34-36 with two (the run is CPU-bound either way) and the role peaked at 281 MB instead of 355 MB, under
 * the 300 MB a digest worker should fit in (bench:digest, 1,000 partners, CHART_THREADS=1 vs 2 alternated).
 */
export function chartThreadsFor(config: Pick<Config, 'chartThreads'>, servesChat: boolean): number | undefined {
  if (config.chartThreads !== undefined) return config.chartThreads;
  return servesChat ? undefined : Math.max(1, Math.min(2, availableParallelism() - 1));
}
