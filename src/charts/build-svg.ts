import { toChartModel } from './chart-model.js';
import type { ChartSpec } from './chart-spec.js';
import { drawHeader, drawNoData } from './draw-frame.js';
import { drawPlot } from './draw-plot.js';
import { el, escapeXml, svgDocument } from './svg.js';
import { INK } from './theme.js';

/**
 * The chart as an SVG document (exported for tests and for anyone who wants the vector form). Its words are
 * glyph outlines (text-path.ts), so the document needs no font to look right; the title is also its
 * `<title>`, and every label keeps its words as an `aria-label`.
 */
export function buildChartSvg(spec: ChartSpec): string {
  const m = toChartModel(spec);
  const body = m.empty
    ? drawNoData(m)
    : (() => {
        const header = drawHeader(m, true);
        return [...header.svg, ...drawPlot(m, header.bottom)];
      })();
  const title = m.subtitle ? `${m.title} (${m.subtitle})` : m.title;
  return svgDocument(m.width, m.height, [
    el('title', {}, [escapeXml(title)]),
    el('rect', { width: m.width, height: m.height, fill: INK.background }),
    ...body,
  ]);
}
