import type { ChartSpec } from './chart-spec.js';
import { RenderPool, type RenderPoolOptions } from './render-pool.js';

export { buildChartSvg } from './build-svg.js';
export type { ChartSeries, ChartSpec, ValueFormat } from './chart-spec.js';
export type { RenderPoolOptions } from './render-pool.js';

/**
 * Renders charts to PNG bytes (white background, Inter font shipped in assets/fonts). Empty input gives a
 * "No data for this period" picture rather than an error; more than two series is an AppError
 * (invalid_chart). The ~8 ms of CPU runs on a worker thread (render-pool.ts), so replies to other partners
 * are not blocked behind it; a crashed worker rejects (callers send the figures without the chart).
 * One per process, made by the composition root; tests pass their own.
 */
export interface ChartRenderer {
  render(spec: ChartSpec): Promise<Uint8Array>;
  /** Stops the worker threads; later renders reject with chart_renderer_closed. */
  close(): Promise<void>;
}

/** A renderer whose worker threads start on the first render (and never hold the process open idle). */
export function createChartRenderer(opts: RenderPoolOptions = {}): ChartRenderer {
  return new RenderPool(opts);
}
