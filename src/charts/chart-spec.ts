/**
 * What a chart shows, independent of how it is drawn. One PNG renderer (src/charts/index.ts) serves
 * Telegram, Slack and email, so a partner sees the same picture everywhere.
 */
export type ValueFormat = 'int' | 'money' | 'percent';

export interface ChartSeries {
  name: string;
  values: number[];
  /** money values are minor units of `currency`. */
  format?: ValueFormat;
}

export interface ChartSpec {
  /** bar: categories (geo, campaign ...); line: time (days, hours). */
  kind: 'bar' | 'line';
  title: string;
  /** e.g. "Nov 1 – Nov 15, Europe/Berlin": every figure names its period and timezone. */
  subtitle?: string;
  categories: string[];
  /** One or two series; a second series is drawn against a right-hand axis. */
  series: ChartSeries[];
  currency?: string;
  /**
   * The category still in progress (today so far, this hour so far) and what to call it in the legend. Its
   * figure is not comparable with whole ones, so it is drawn apart: a dashed segment to a dashed point on a
   * line chart, a faded bar on a bar chart. Categories after it, if any, count as in progress too.
   */
  partial?: { index: number; label: string };
  /** Pixel size; defaults suit a phone screen (e.g. 960 x 540). */
  width?: number;
  height?: number;
}
