import { type ChartModel, NEGATIVE_COLOR, type SeriesModel } from './chart-model.js';
import { type EndLabel, type Point, placeEndLabels } from './end-labels.js';
import { measureText } from './font-metrics.js';
import { type Axis, alignAxes, niceAxis, yScale } from './scale.js';
import { el, num } from './svg.js';
import { textAsPath } from './text-path.js';
import { INK, SIZE } from './theme.js';
import { emptyMax, formatShort, minStep } from './value-format.js';
import { planXLabels } from './x-labels.js';

/** A white outline under value labels keeps them legible where they cross a gridline or a line. */
const HALO = (s: number) => ({
  stroke: '#ffffff',
  'stroke-width': 4 * s,
  'stroke-linejoin': 'round',
  'paint-order': 'stroke',
});

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
  band: number;
  xOf: (i: number) => number;
}

function axisFor(m: ChartModel, series: SeriesModel[]): Axis {
  const f = series[0]?.format ?? 'int';
  return niceAxis(
    series.flatMap((x) => x.values),
    5,
    minStep(f),
    emptyMax(f, m.currency),
  );
}

/** Axes, gridlines, category labels and the series, inside the area below the header. */
export function drawPlot(m: ChartModel, top: number): string[] {
  const s = m.scale;
  const pad = SIZE.pad * s;
  const gap = SIZE.gap * s;
  const tickSize = SIZE.tick * s;
  const leftSeries = m.series.filter((x) => x.axis === 'left');
  const rightSeries = m.series.filter((x) => x.axis === 'right');
  let left = axisFor(m, leftSeries);
  let right: Axis | undefined;
  if (rightSeries.length > 0) [left, right] = alignAxes(left, axisFor(m, rightSeries));

  const leftFmt = leftSeries[0]?.format ?? 'int';
  const rightFmt = rightSeries[0]?.format ?? 'int';
  const leftLabels = left.ticks.map((t) => formatShort(t, leftFmt, m.currency));
  const rightLabels = right?.ticks.map((t) => formatShort(t, rightFmt, m.currency)) ?? [];
  const widest = (ls: string[]) => Math.max(0, ...ls.map((l) => measureText(l, tickSize)));

  const plotLeft = pad + widest(leftLabels) + gap;
  const plotRight = m.width - pad - (right ? widest(rightLabels) + gap : 0);
  const n = m.categories.length;
  const band = (plotRight - plotLeft) / n;
  const plotTop = top + SIZE.value * s * 1.6;
  const xl = planXLabels({
    categories: m.categories,
    kind: m.kind,
    band,
    scale: s,
    plotLeft,
    maxHeight: (m.height - plotTop) * 0.4,
  });
  const frame: Frame = {
    left: plotLeft,
    right: plotRight,
    top: plotTop,
    bottom: m.height - pad - xl.height,
    band,
    xOf: (i) => plotLeft + band * (i + 0.5),
  };

  const yLeft = yScale(left, frame.top, frame.bottom);
  const yRight = right ? yScale(right, frame.top, frame.bottom) : yLeft;
  const dual = right !== undefined;
  const out: string[] = [];

  // Gridlines follow the left axis; aligned axes put the right ticks on the same lines.
  left.ticks.forEach((t, i) => {
    const y = yLeft(t);
    out.push(
      el('line', {
        x1: frame.left,
        x2: frame.right,
        y1: y,
        y2: y,
        stroke: t === 0 ? INK.zero : INK.grid,
        'stroke-width': (t === 0 ? 2 : 1.2) * s,
      }),
      textAsPath(leftLabels[i] ?? '', {
        x: frame.left - gap,
        y: y + tickSize * 0.35,
        'font-size': tickSize,
        fill: dual ? (leftSeries[0]?.color ?? INK.muted) : INK.muted,
        'text-anchor': 'end',
      }),
    );
  });
  right?.ticks.forEach((t, i) => {
    out.push(
      textAsPath(rightLabels[i] ?? '', {
        x: frame.right + gap,
        y: yRight(t) + tickSize * 0.35,
        'font-size': tickSize,
        fill: rightSeries[0]?.color ?? INK.muted,
      }),
    );
  });

  const yOf = (x: SeriesModel) => (x.axis === 'right' ? yRight : yLeft);
  out.push(...(m.kind === 'bar' ? drawBars(m, frame, yOf) : drawLines(m, frame, yOf)));
  out.push(...xl.draw(frame.bottom, frame.xOf));
  return out;
}

function drawBars(m: ChartModel, f: Frame, yOf: (x: SeriesModel) => (v: number) => number): string[] {
  const s = m.scale;
  const count = m.series.length;
  // Thin bars (60 geos) lose their gaps first so each stays at least a pixel or two wide.
  const outer = f.band < 6 ? 0 : f.band * 0.22;
  const inner = count > 1 && f.band > 12 ? 2 * s : 0;
  // A lone category would otherwise be one slab across the whole plot.
  const barW = Math.min(120 * s, Math.max(1, (f.band - outer - inner * (count - 1)) / count));
  const groupW = barW * count + inner * (count - 1);
  const valueSize = SIZE.value * s;
  const single = count === 1;
  const labels = m.series.map((x) =>
    x.values.map((v) => (Number.isFinite(v) ? formatShort(v, x.format, m.currency) : '')),
  );
  // All bars get a value label or none do: a few labelled bars among unlabelled ones read as a pattern.
  const fits = labels.every((ls) =>
    ls.every((l) => measureText(l, valueSize) + 2 * s <= (single ? f.band : barW + inner)),
  );

  const out: string[] = [];
  m.series.forEach((x, si) => {
    const y = yOf(x);
    const y0 = y(0);
    x.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const bx = f.xOf(i) - groupW / 2 + si * (barW + inner);
      const yv = y(v);
      const h = Math.abs(y0 - yv);
      if (h > 0) {
        out.push(
          el('rect', {
            x: bx,
            y: Math.min(y0, yv),
            width: barW,
            height: h,
            rx: Math.min(3 * s, barW / 4, h / 2),
            fill: single && v < 0 ? NEGATIVE_COLOR : x.color,
            // Still in progress (today so far): faded, as the legend explains.
            ...(m.partial && i >= m.partial.index ? { 'fill-opacity': 0.4 } : {}),
          }),
        );
      }
      if (fits) {
        out.push(
          textAsPath(labels[si]?.[i] ?? '', {
            x: bx + barW / 2,
            y: v < 0 ? yv + valueSize * 1.05 : yv - 5 * s,
            'font-size': valueSize,
            fill: INK.title,
            ...HALO(s),
            'text-anchor': 'middle',
          }),
        );
      }
    });
  });
  return out;
}

function drawLines(m: ChartModel, f: Frame, yOf: (x: SeriesModel) => (v: number) => number): string[] {
  const s = m.scale;
  const n = m.categories.length;
  // Categories from here on are still in progress (today so far): dashed, and left out of the area fill.
  const p = m.partial?.index ?? n;
  const out: string[] = [];
  const ends: EndLabel[] = [];
  const points: Point[] = [];
  const segments: [Point, Point][] = [];
  const dash = { 'stroke-dasharray': `${num(5 * s)} ${num(4 * s)}` };
  m.series.forEach((x) => {
    const y = yOf(x);
    const y0 = y(0);
    const at = (q: { i: number; v: number }): Point => ({ x: f.xOf(q.i), y: y(q.v) });
    // A missing value breaks the line rather than dropping it to zero.
    const runs: { i: number; v: number }[][] = [];
    let run: { i: number; v: number }[] = [];
    x.values.forEach((v, i) => {
      if (Number.isFinite(v)) run.push({ i, v });
      else if (run.length) {
        runs.push(run);
        run = [];
      }
    });
    if (run.length) runs.push(run);
    for (const r of runs) {
      const whole = r.filter((q) => q.i < p);
      // The partial stretch starts at the last whole point, so the dashed part joins the solid one.
      const partial = r.filter((q) => q.i >= p - 1);
      const path = (qs: { i: number; v: number }[]) => qs.map((q) => `${num(at(q).x)} ${num(at(q).y)}`);
      if (m.series.length === 1 && whole.length > 1) {
        const first = whole[0] as { i: number };
        const last = whole[whole.length - 1] as { i: number };
        out.push(
          el('path', {
            d: `M${num(f.xOf(first.i))} ${num(y0)}L${path(whole).join('L')}L${num(f.xOf(last.i))} ${num(y0)}Z`,
            fill: x.color,
            'fill-opacity': 0.1,
          }),
        );
      }
      const stroke = {
        fill: 'none',
        stroke: x.color,
        'stroke-width': SIZE.line * s,
        'stroke-linejoin': 'round',
        'stroke-linecap': 'round',
      };
      if (whole.length > 1) out.push(el('path', { d: `M${path(whole).join('L')}`, ...stroke }));
      if (partial.length > 1 && partial.some((q) => q.i >= p)) {
        out.push(el('path', { d: `M${path(partial).join('L')}`, ...stroke, ...dash, 'stroke-linecap': 'butt' }));
      }
      for (let k = 1; k < r.length; k++) segments.push([at(r[k - 1]!), at(r[k]!)]);
      for (const q of r) {
        points.push(at(q));
        const inProgress = q.i >= p;
        if (n > 45 && r.length > 1 && !inProgress) continue;
        out.push(
          el('circle', {
            cx: f.xOf(q.i),
            cy: y(q.v),
            r: (inProgress ? SIZE.point + 1 : SIZE.point) * s,
            fill: '#ffffff',
            stroke: x.color,
            'stroke-width': 2.5 * s,
            ...(inProgress ? { 'stroke-dasharray': `${num(2.5 * s)} ${num(2 * s)}` } : {}),
          }),
        );
      }
    }
    const lastRun = runs[runs.length - 1];
    const last = lastRun?.[lastRun.length - 1];
    if (last) ends.push({ at: at(last), text: formatShort(last.v, x.format, m.currency), color: x.color });
  });

  const size = SIZE.value * s;
  const area = { left: f.left, right: f.right + SIZE.point * s, top: f.top - size * 1.4, bottom: f.bottom };
  const placed = placeEndLabels(ends, { points, segments, pointRadius: (SIZE.point + 1) * s }, area, size);
  for (const l of placed) {
    out.push(
      textAsPath(l.text, {
        x: l.x,
        y: l.baseline,
        'font-size': size,
        'font-weight': 600,
        fill: l.color,
        ...HALO(s),
      }),
    );
  }
  return out;
}
