import type { ChartSpec } from './chart-spec.js';

export type { ChartSeries, ChartSpec, ValueFormat } from './chart-spec.js';

/** Renders a chart to PNG bytes. Placeholder until the renderer lands; callers must not rely on it yet. */
export async function renderChart(_spec: ChartSpec): Promise<Uint8Array> {
  throw new Error('chart renderer not built yet');
}
