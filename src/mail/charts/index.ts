import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { rasterise } from './rasterise.js';

export { buildChartSvg } from './build-svg.js';
export type { ChartSeries, ChartSpec, ValueFormat } from './chart-spec.js';

/**
 * Renders a chart to PNG bytes (white background, Inter font shipped in assets/fonts). Empty input gives a
 * "No data for this period" picture rather than an error; more than two series is an AppError
 * (invalid_chart). Takes a few milliseconds, synchronously; async so it can move to a worker thread later
 * without changing callers.
 */
export async function renderChart(spec: ChartSpec): Promise<Uint8Array> {
  return rasterise(buildChartSvg(spec));
}
