import type { ChartSpec } from './chart-spec.js';
import { renderPool } from './render-pool.js';

export { buildChartSvg } from './build-svg.js';
export type { ChartSeries, ChartSpec, ValueFormat } from './chart-spec.js';
export { closeRenderPool, configureRenderPool } from './render-pool.js';

/**
 * Renders a chart to PNG bytes (white background, Inter font shipped in assets/fonts). Empty input gives a
 * "No data for this period" picture rather than an error; more than two series is an AppError
 * (invalid_chart). The ~8 ms of CPU runs on a worker thread (render-pool.ts), so replies to other partners
 * are not blocked behind it; a crashed worker rejects (callers send the figures without the chart).
 */
export async function renderChart(spec: ChartSpec): Promise<Uint8Array> {
  return renderPool().render(spec);
}
