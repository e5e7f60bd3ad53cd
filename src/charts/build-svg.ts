import { toChartModel } from './chart-model.js';
import type { ChartSpec } from './chart-spec.js';
import { drawHeader, drawNoData } from './draw-frame.js';
import { drawPlot } from './draw-plot.js';
import { FONT_FAMILY } from './font-metrics.js';
import { el, svgDocument } from './svg.js';
import { INK } from './theme.js';

/** The chart as an SVG document (exported for tests and for anyone who wants the vector form). */
export function buildChartSvg(spec: ChartSpec): string {
  const m = toChartModel(spec);
  const body = m.empty
    ? drawNoData(m)
    : (() => {
        const header = drawHeader(m, true);
        return [...header.svg, ...drawPlot(m, header.bottom)];
      })();
  return svgDocument(m.width, m.height, [
    el('rect', { width: m.width, height: m.height, fill: INK.background }),
    el('g', { 'font-family': FONT_FAMILY }, body),
  ]);
}
