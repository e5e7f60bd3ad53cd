import { formatDecimal } from './money.js';
import { ownEntry } from './own-entry.js';
import type { ReportMetrics, ReportRow } from './report-math.js';

export type CsvValue = string | number | null | undefined;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 cell. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: sub ids and landing names come from ad traffic, i.e. from strangers (OWASP "CSV
 * injection"). Plain numbers such as "-12.50" are left alone, they cannot be formulas.
 */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lines joined with CRLF, as RFC 4180 and Excel expect. */
export const toCsv = (lines: CsvValue[][]): string => lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';

export interface ReportForCsv {
  groupTitle: string;
  currency: string;
  audience: 'operator' | 'partner';
  rows: ReportRow[];
  totals: ReportMetrics;
  types: string[];
}

/**
 * A report as CSV: a header, one line per row, then a Total line. Money is a plain decimal in the report
 * currency (named in its own column) so spreadsheets sum it; CR and ROI are percentages.
 */
export function reportToCsv(r: ReportForCsv): string {
  const operator = r.audience === 'operator';
  const header: CsvValue[] = [
    'key',
    r.groupTitle,
    'clicks',
    'conversions',
    ...r.types,
    'approved',
    'pending',
    'declined',
    'cr_percent',
    'epc',
    'payout',
    'payout_approved',
    ...(operator ? ['revenue', 'cost', 'profit', 'roi_percent'] : []),
    'currency',
  ];
  const money = (m: number | undefined) => (m === undefined ? '' : formatDecimal(m, r.currency));
  const line = (key: string, label: string, m: ReportMetrics): CsvValue[] => [
    key,
    label,
    m.clicks,
    m.conversions,
    ...r.types.map((t) => ownEntry(m.byType, t) ?? 0),
    m.approved,
    m.pending,
    m.declined,
    m.cr,
    m.epc,
    money(m.payout),
    money(m.payoutApproved),
    ...(operator ? [money(m.revenue), money(m.cost), money(m.profit), m.roi ?? null] : []),
    r.currency,
  ];
  return toCsv([header, ...r.rows.map((row) => line(row.key, row.label, row)), line('total', 'Total', r.totals)]);
}
