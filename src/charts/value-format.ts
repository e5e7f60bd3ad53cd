import { currencyExponent, formatMoney } from '../domain/money.js';
import type { ValueFormat } from './chart-spec.js';

/**
 * Numbers as a partner reads them on a phone: axis ticks and bar labels are short ("12.3k", "$1.2M"),
 * never "12345.67". Money arrives in minor units; dividing to major units here only shapes a label,
 * no amount is computed from it.
 */

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** "12.3k" reads better than Intl's "12.3K" next to "$" amounts in a chart. */
const lowerK = (s: string): string => s.replace(/K$/, 'k');

function shortNumber(n: number): string {
  const abs = Math.abs(n);
  // "1.5k" rather than "1,500": short enough for a narrow bar.
  if (abs >= 1_000) return lowerK(COMPACT.format(n));
  return Number.isInteger(n) ? WHOLE.format(n) : DECIMAL.format(n);
}

const currencyFormats = new Map<string, { whole: Intl.NumberFormat; compact: Intl.NumberFormat }>();
function currencyFormat(currency: string): { whole: Intl.NumberFormat; compact: Intl.NumberFormat } {
  let f = currencyFormats.get(currency);
  if (!f) {
    f = {
      whole: new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }),
      compact: new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        notation: 'compact',
        // Currency styles default to two minimum decimals: "$60.0k" instead of "$60k".
        minimumFractionDigits: 0,
        maximumFractionDigits: 1,
      }),
    };
    currencyFormats.set(currency, f);
  }
  return f;
}

function shortMoney(minor: number, currency: string): string {
  const major = minor / 10 ** currencyExponent(currency);
  const f = currencyFormat(currency);
  if (Math.abs(major) >= 1_000) return lowerK(f.compact.format(major));
  // Cents only where they carry information ("$0.25", "$12.34"); "$772" reads faster than "$772.21".
  return Number.isInteger(major) || Math.abs(major) >= 100 ? f.whole.format(major) : formatMoney(minor, currency);
}

/** Short label for an axis tick or a value above a bar. Percent values are percentage points (12.5 = 12.5 %). */
export function formatShort(value: number, format: ValueFormat, currency: string): string {
  if (format === 'money') return shortMoney(value, currency);
  if (format === 'percent') return `${shortNumber(Math.round(value * 10) / 10)}%`;
  return shortNumber(Math.round(value));
}

/** Smallest meaningful axis step: one click, one cent (or yen), a tenth of a percent. */
export function minStep(format: ValueFormat): number {
  return format === 'percent' ? 0.1 : 1;
}

/** Scale for an all-zero series: 0..5 clicks, $0..$10, 0..10 %. */
export function emptyMax(format: ValueFormat, currency: string): number {
  return format === 'money' ? 10 * 10 ** currencyExponent(currency) : format === 'percent' ? 10 : 5;
}
