import type { ChartModel } from './chart-model.js';
import { measureText, truncateText } from './font-metrics.js';
import { el } from './svg.js';
import { textAsPath } from './text-path.js';
import { INK, SIZE } from './theme.js';

/** Title, subtitle and legend above the plot; returns the SVG and the y where the plot may start. */
export function drawHeader(m: ChartModel, withLegend: boolean): { svg: string[]; bottom: number } {
  const s = m.scale;
  const pad = SIZE.pad * s;
  const maxW = m.width - 2 * pad;
  const out: string[] = [];
  let y = pad + SIZE.title * s * 0.8;
  out.push(
    textAsPath(truncateText(m.title, maxW, SIZE.title * s, true), {
      x: pad,
      y,
      'font-size': SIZE.title * s,
      'font-weight': 600,
      fill: INK.title,
    }),
  );
  if (m.subtitle) {
    y += SIZE.subtitle * s * 1.45;
    out.push(
      textAsPath(truncateText(m.subtitle, maxW, SIZE.subtitle * s), {
        x: pad,
        y,
        'font-size': SIZE.subtitle * s,
        fill: INK.muted,
      }),
    );
  }
  if (withLegend) {
    y += SIZE.legend * s * 1.6;
    out.push(...drawLegend(m, pad, y, maxW));
  }
  return { svg: out, bottom: y + SIZE.legend * s * 0.4 };
}

function drawLegend(m: ChartModel, x0: number, baseline: number, maxW: number): string[] {
  const s = m.scale;
  const size = SIZE.legend * s;
  const swatch = size * 0.75;
  const out: string[] = [];
  const itemMax = maxW / (m.series.length + (m.partial ? 1 : 0)) - swatch - 3 * SIZE.gap * s;
  let x = x0;
  for (const series of m.series) {
    const label = truncateText(series.axis === 'right' ? `${series.name} (right axis)` : series.name, itemMax, size);
    const top = baseline - swatch * 0.95;
    out.push(
      m.kind === 'bar'
        ? el('rect', { x, y: top, width: swatch, height: swatch, rx: 2 * s, fill: series.color })
        : el('rect', {
            x,
            y: top + swatch / 2 - (SIZE.line * s) / 2,
            width: swatch * 1.4,
            height: SIZE.line * s,
            rx: 1.5 * s,
            fill: series.color,
          }),
    );
    const tx = x + (m.kind === 'bar' ? swatch : swatch * 1.4) + 0.5 * size;
    out.push(textAsPath(label, { x: tx, y: baseline, 'font-size': size, fill: INK.text }));
    x = tx + measureText(label, size) + 2 * SIZE.gap * s;
  }
  if (m.partial) {
    // Says why the last stretch looks different: it is not a drop, the day is not over.
    const label = truncateText(m.partial.label, Math.max(0, x0 + maxW - x - swatch * 1.4 - 0.5 * size), size);
    const mid = baseline - swatch * 0.95 + swatch / 2;
    out.push(
      m.kind === 'bar'
        ? el('rect', {
            x,
            y: mid - swatch / 2,
            width: swatch,
            height: swatch,
            rx: 2 * s,
            fill: INK.muted,
            'fill-opacity': 0.4,
          })
        : el('line', {
            x1: x,
            x2: x + swatch * 1.4,
            y1: mid,
            y2: mid,
            stroke: INK.muted,
            'stroke-width': SIZE.line * s,
            'stroke-dasharray': `${5 * s} ${4 * s}`,
          }),
    );
    const tx = x + (m.kind === 'bar' ? swatch : swatch * 1.4) + 0.5 * size;
    out.push(textAsPath(label, { x: tx, y: baseline, 'font-size': size, fill: INK.muted }));
  }
  return out;
}

/** The whole picture when there is nothing to plot: the title still says which period was asked about. */
export function drawNoData(m: ChartModel): string[] {
  const s = m.scale;
  const pad = SIZE.pad * s;
  const header = drawHeader(m, false);
  const top = header.bottom + SIZE.gap * 2 * s;
  const bottom = m.height - pad;
  const cy = (top + bottom) / 2;
  return [
    ...header.svg,
    el('rect', {
      x: pad,
      y: top,
      width: m.width - 2 * pad,
      height: Math.max(0, bottom - top),
      rx: 8 * s,
      fill: '#f9fafb',
      stroke: INK.grid,
      'stroke-width': 1.5 * s,
    }),
    textAsPath('No data for this period', {
      x: m.width / 2,
      y: cy,
      'font-size': 26 * s,
      'font-weight': 600,
      fill: INK.muted,
      'text-anchor': 'middle',
    }),
    textAsPath('Nothing was recorded in these dates: try a longer period.', {
      x: m.width / 2,
      y: cy + 32 * s,
      'font-size': SIZE.subtitle * s,
      fill: INK.muted,
      'text-anchor': 'middle',
    }),
  ];
}
