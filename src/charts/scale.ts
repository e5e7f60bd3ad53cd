/**
 * Axis maths: "nice" tick steps (1, 2, 5 x 10^n) so a partner reads $0, $500, $1,000 rather than $0, $437,
 * $874. Domains always include zero: bars must start at zero to be honest, and a line that hugs the top of
 * a chart cut at 9,800 exaggerates a 2 % dip.
 */

export interface Axis {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** Float noise from i * step (0.30000000000000004) must not reach a label. */
const tidy = (n: number): number => Number(n.toPrecision(12));

function niceStep(rough: number, minStep: number): number {
  if (!(rough > 0)) return minStep;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  return Math.max(tidy(step), minStep);
}

function ticksOf(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  const n = Math.round((max - min) / step);
  for (let i = 0; i <= n; i++) out.push(tidy(min + i * step));
  return out;
}

/**
 * An axis over `values` with about `target` intervals. `minStep` keeps counts on whole numbers (no "0.5
 * clicks" tick); `emptyMax` gives an all-zero series a sensible scale instead of a zero-height one.
 */
export function niceAxis(values: number[], target: number, minStep: number, emptyMax: number): Axis {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === 0 && hi === 0) hi = emptyMax;
  const step = niceStep((hi - lo) / target, minStep);
  const min = tidy(Math.floor(lo / step) * step);
  const max = tidy(Math.ceil(hi / step) * step);
  return { min, max, step, ticks: ticksOf(min, max, step) };
}

/**
 * Gives two axes the same number of intervals with zero on the same gridline, so the right-hand axis can
 * share the left one's gridlines and both series' bars start from one baseline.
 */
export function alignAxes(left: Axis, right: Axis): [Axis, Axis] {
  const below = Math.max(Math.round(-left.min / left.step), Math.round(-right.min / right.step));
  const above = Math.max(Math.round(left.max / left.step), Math.round(right.max / right.step));
  const stretch = (a: Axis): Axis => {
    const min = tidy(-below * a.step);
    const max = tidy(above * a.step);
    return { min, max, step: a.step, ticks: ticksOf(min, max, a.step) };
  };
  return [stretch(left), stretch(right)];
}

/** Maps a value on `axis` to a y pixel between `bottom` and `top`. */
export function yScale(axis: Axis, top: number, bottom: number): (v: number) => number {
  const span = axis.max - axis.min || 1;
  return (v) => bottom - ((v - axis.min) / span) * (bottom - top);
}
