import { currencyExponent } from './money.js';

/**
 * Report maths, pure. Facts come in as additive cells (from rollups or raw tables, per group key and
 * conversion type); rows and totals come out. Totals are summed from the rows' cells and the rates are
 * derived afterwards, so a report's totals always equal the sum of its rows.
 *
 * Definitions (README "Report metrics"):
 * - conversions = pending + approved; declined ones are counted apart and earn nothing.
 * - payout = what partners earn (pending + approved); revenue = what the operator earns (pending + approved);
 *   cost = media cost ingested through /api/v1/costs. Money is integer minor units of the report currency.
 * - cr = conversions / clicks, in percent (2 decimals); null without clicks.
 * - epc = payout / clicks: the partner's earnings per click, as a decimal string in major units with two
 *   more decimals than the currency ("0.0345" USD); null without clicks.
 * - profit = revenue - payout - cost: the operator's margin. A network's cost of traffic is the partner
 *   payout plus any media cost it paid itself.
 * - roi = profit / (payout + cost), in percent (2 decimals): RedTrack's (revenue - cost) / cost with the
 *   network's cost being payout + media cost; null when nothing was spent.
 */
export interface Cells {
  clicks: number;
  cost: number;
  convTotal: number;
  convApproved: number;
  convPending: number;
  convDeclined: number;
  payout: number;
  payoutApproved: number;
  revenue: number;
}

/** One aggregate from the data source: the cells of one group key and one conversion type ('' = clicks). */
export interface Fact extends Cells {
  key: string;
  typeKey: string;
}

export interface ReportMetrics {
  clicks: number;
  conversions: number;
  /** Conversions (pending + approved) per canonical type name; types with none are left out. */
  byType: Record<string, number>;
  approved: number;
  pending: number;
  declined: number;
  cr: number | null;
  epc: string | null;
  payout: number;
  payoutApproved: number;
  /** Operator figures: absent in a partner's view (see partnerView). */
  revenue?: number;
  cost?: number;
  profit?: number;
  roi?: number | null;
}

export interface ReportRow extends ReportMetrics {
  /** Machine value of the group: campaign id, country code, 'YYYY-MM-DD', sub1 value ... */
  key: string;
  /** Human value: campaign name, country code, the day ... */
  label: string;
}

export const emptyCells = (): Cells => ({
  clicks: 0,
  cost: 0,
  convTotal: 0,
  convApproved: 0,
  convPending: 0,
  convDeclined: 0,
  payout: 0,
  payoutApproved: 0,
  revenue: 0,
});

export function addCells(into: Cells, c: Cells): void {
  into.clicks += c.clicks;
  into.cost += c.cost;
  into.convTotal += c.convTotal;
  into.convApproved += c.convApproved;
  into.convPending += c.convPending;
  into.convDeclined += c.convDeclined;
  into.payout += c.payout;
  into.payoutApproved += c.payoutApproved;
  into.revenue += c.revenue;
}

/** part / whole in percent, 2 decimals; null when whole is 0. */
export function percent(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.round((part * 10_000) / whole) / 100;
}

/** Minor units per click as a decimal in major units with two extra decimals, rounded half away from 0. */
export function perClick(minor: number, clicks: number, currency: string): string | null {
  if (clicks === 0) return null;
  const scale = currencyExponent(currency) + 2;
  const num = BigInt(minor) * 100n;
  const den = BigInt(clicks);
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const q = (abs * 2n + den) / (2n * den);
  const base = 10n ** BigInt(scale);
  return `${neg && q > 0n ? '-' : ''}${q / base}.${(q % base).toString().padStart(scale, '0')}`;
}

export function metricsOf(cells: Cells, byType: Record<string, number>, currency: string): ReportMetrics {
  const profit = cells.revenue - cells.payout - cells.cost;
  return {
    clicks: cells.clicks,
    conversions: cells.convTotal,
    // Sorted by name so the same report reads the same whichever source or row order produced it.
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    approved: cells.convApproved,
    pending: cells.convPending,
    declined: cells.convDeclined,
    cr: percent(cells.convTotal, cells.clicks),
    epc: perClick(cells.payout, cells.clicks, currency),
    payout: cells.payout,
    payoutApproved: cells.payoutApproved,
    revenue: cells.revenue,
    cost: cells.cost,
    profit,
    roi: percent(profit, cells.payout + cells.cost),
  };
}

export interface BuildRowsOptions {
  currency: string;
  label: (key: string) => string;
  /** Canonical name of a conversion type key ("deposit" -> "Deposit"). */
  typeName: (typeKey: string) => string;
  /** Time groups: every bucket in order, so days without traffic show as zero rows. */
  keys?: string[];
}

export interface RowsAndTotals {
  rows: ReportRow[];
  totals: ReportMetrics;
  /** Type names present, most conversions first: the per-type columns of tables and CSV. */
  types: string[];
}

/**
 * Counts per conversion type, keyed by names an operator chose: a type named "constructor" must count from 0,
 * not from Object.prototype's function, so the map has no prototype.
 */
const typeCounts = (): Record<string, number> => Object.create(null);

/** Folds facts into one row per key. Rows are ordered by `keys` when given, else by clicks, most first. */
export function buildRows(facts: Fact[], opts: BuildRowsOptions): RowsAndTotals {
  const byKey = new Map<string, { cells: Cells; byType: Record<string, number> }>();
  const slot = (key: string) => {
    let s = byKey.get(key);
    if (!s) {
      s = { cells: emptyCells(), byType: typeCounts() };
      byKey.set(key, s);
    }
    return s;
  };
  for (const k of opts.keys ?? []) slot(k);
  for (const f of facts) {
    const s = slot(f.key);
    addCells(s.cells, f);
    if (f.typeKey !== '' && f.convTotal !== 0) {
      const name = opts.typeName(f.typeKey);
      s.byType[name] = (s.byType[name] ?? 0) + f.convTotal;
    }
  }
  let entries = [...byKey.entries()];
  if (opts.keys) {
    const order = new Map(opts.keys.map((k, i) => [k, i]));
    entries.sort(
      ([a], [b]) =>
        (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || (a < b ? -1 : 1),
    );
  } else {
    entries = entries.filter(([, s]) => !isEmpty(s.cells));
    entries.sort(
      ([ka, a], [kb, b]) =>
        b.cells.clicks - a.cells.clicks || b.cells.convTotal - a.cells.convTotal || (ka < kb ? -1 : ka > kb ? 1 : 0),
    );
  }
  const rows = entries.map(([key, s]) => ({
    key,
    label: opts.label(key),
    ...metricsOf(s.cells, s.byType, opts.currency),
  }));
  const totals = sumRows(rows, opts.currency);
  const types = Object.entries(totals.byType)
    .sort(([na, a], [nb, b]) => b - a || (na < nb ? -1 : 1))
    .map(([n]) => n);
  return { rows, totals, types };
}

const isEmpty = (c: Cells) =>
  c.clicks === 0 && c.cost === 0 && c.convTotal === 0 && c.convDeclined === 0 && c.payout === 0 && c.revenue === 0;

/** Totals as the sum of the rows' additive figures, with rates derived from those sums. */
export function sumRows(rows: ReportMetrics[], currency: string): ReportMetrics {
  const cells = emptyCells();
  const byType = typeCounts();
  for (const r of rows) {
    addCells(cells, {
      clicks: r.clicks,
      cost: r.cost ?? 0,
      convTotal: r.conversions,
      convApproved: r.approved,
      convPending: r.pending,
      convDeclined: r.declined,
      payout: r.payout,
      payoutApproved: r.payoutApproved,
      revenue: r.revenue ?? 0,
    });
    for (const [t, n] of Object.entries(r.byType)) byType[t] = (byType[t] ?? 0) + n;
  }
  return metricsOf(cells, byType, currency);
}

/**
 * What a partner may see: their clicks, conversions and earnings. The operator's revenue, media cost,
 * profit and ROI are the operator's business and are dropped here, in the core, so no adapter can leak them.
 */
export function partnerView<T extends ReportMetrics>(m: T): T {
  const { revenue: _r, cost: _c, profit: _p, roi: _o, ...rest } = m;
  return rest as T;
}
