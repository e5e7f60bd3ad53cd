import type { Metrics } from './metrics.js';

/**
 * Metrics for one-shot CLI verbs: every counter and histogram accepts its calls and keeps nothing. Nothing
 * scrapes a process that lives a second, and loading prom-client cost such a verb ~200 ms and ~13 MB (its
 * default collectors start too). Long-running roles keep the real registry (infra/metrics.ts).
 */
export function createNullMetrics(): Metrics {
  const ignore = () => undefined;
  const instrument = new Proxy({}, { get: () => ignore });
  // The Proxy answers every instrument of Metrics, and every method on it, with a call that does nothing:
  // typing it field by field would have to mirror prom-client's classes for no behaviour.
  return new Proxy({}, { get: () => instrument }) as Metrics;
}
