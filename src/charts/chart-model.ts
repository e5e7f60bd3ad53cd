import { invalid } from '../domain/errors.js';
import type { ChartSpec, ValueFormat } from './chart-spec.js';

/** Series colours: blue and orange stay distinct for the common colour-vision deficiencies. */
const COLORS = ['#2563eb', '#ea580c'] as const;
export const NEGATIVE_COLOR = '#dc2626';

export interface SeriesModel {
  name: string;
  /** One per category; NaN where the caller gave nothing (a gap, not a zero). */
  values: number[];
  format: ValueFormat;
  axis: 'left' | 'right';
  color: string;
}

export interface ChartModel {
  kind: 'bar' | 'line';
  title: string;
  subtitle: string;
  categories: string[];
  series: SeriesModel[];
  currency: string;
  /** First category still in progress (see ChartSpec.partial), or null. */
  partial: { index: number; label: string } | null;
  width: number;
  height: number;
  /** 1 at the default 960 x 540; every size in the drawing is multiplied by it. */
  scale: number;
  /** Nothing to draw: the picture says so instead of showing empty axes. */
  empty: boolean;
}

export const DEFAULT_WIDTH = 960;
export const DEFAULT_HEIGHT = 540;

const clampSize = (v: number | undefined, fallback: number, min: number, max: number): number =>
  v === undefined || !Number.isFinite(v) ? fallback : Math.min(max, Math.max(min, Math.round(v)));

/**
 * Two series share the left axis when they are in the same unit and of comparable size (payout vs revenue),
 * because a second axis for the same unit invites wrong comparisons; clicks vs conversions, two orders of
 * magnitude apart, get their own right-hand axis.
 */
function shareAxis(a: SeriesModel, b: SeriesModel): boolean {
  if (a.format !== b.format) return false;
  const peak = (s: SeriesModel) => Math.max(0, ...s.values.filter(Number.isFinite).map(Math.abs));
  const pa = peak(a);
  const pb = peak(b);
  return Math.min(pa, pb) * 4 >= Math.max(pa, pb);
}

/** Checks and normalises a spec. Empty input is not an error: it becomes a "no data" picture. */
export function toChartModel(spec: ChartSpec): ChartModel {
  if (spec.series.length > 2) {
    throw invalid(
      'invalid_chart',
      `series must have one or two entries, got ${spec.series.length}; draw the others in a second chart`,
      'series',
    );
  }
  if (spec.kind !== 'bar' && spec.kind !== 'line') {
    throw invalid('invalid_chart', `kind must be "bar" or "line", got "${String(spec.kind)}"`, 'kind');
  }
  const width = clampSize(spec.width, DEFAULT_WIDTH, 320, 2400);
  const height = clampSize(spec.height, DEFAULT_HEIGHT, 240, 2400);
  const categories = spec.categories.map((c) => String(c));
  const series: SeriesModel[] = spec.series.map((s, i) => ({
    name: s.name,
    values: categories.map((_, j) => {
      const v = s.values[j];
      return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
    }),
    format: s.format ?? 'int',
    axis: 'left',
    color: COLORS[i] ?? COLORS[0],
  }));
  const [first, second] = series;
  if (first && second && !shareAxis(first, second)) second.axis = 'right';
  const empty = categories.length === 0 || !series.some((s) => s.values.some(Number.isFinite));
  const p = spec.partial;
  const partial =
    p && Number.isInteger(p.index) && p.index >= 0 && p.index < categories.length
      ? { index: p.index, label: p.label || 'so far' }
      : null;
  return {
    kind: spec.kind,
    title: spec.title,
    subtitle: spec.subtitle ?? '',
    categories,
    series,
    currency: spec.currency ?? 'USD',
    partial,
    width,
    height,
    scale: Math.min(3, Math.max(0.6, Math.min(width / DEFAULT_WIDTH, height / DEFAULT_HEIGHT))),
    empty,
  };
}
