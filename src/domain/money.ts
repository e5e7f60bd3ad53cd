import { LRUCache } from 'lru-cache';
import { invalid } from './errors.js';
import { ownEntry } from './own-entry.js';

/**
 * Money is an integer count of minor units (cents) plus an ISO 4217 currency, never a float, so that
 * payouts, balances and reports add up exactly.
 */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** Minor units per major unit. Currencies missing here have two decimals, which covers the common ones. */
const EXPONENT: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyExponent(currency: string): number {
  return ownEntry(EXPONENT, currency) ?? 2;
}

/** Above this an amount is a typo or an attack, not a payout: 10^13 minor units (100 billion dollars). */
export const MAX_MINOR = 10_000_000_000_000;

const DECIMAL = /^(\d{1,15})(?:[.,](\d{1,6}))?$/;

/**
 * Parses "12.34", "12,34", "12" or " 12.5 " into minor units without touching floating point.
 * Refuses negatives, exponents, NaN, thousands separators and absurd lengths, naming the field and the fix.
 * More decimals than the currency has are refused rather than silently rounded.
 */
export function parseMoney(raw: unknown, field: string, currency = 'USD'): number {
  const exp = currencyExponent(currency);
  // "12.50" reads right for 2- and 3-decimal currencies alike (shape checks run before the currency is known).
  const example = exp === 0 ? '1250' : '12.50';
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw))
      throw invalid('invalid_amount', `${field} must be a decimal like ${example}, got ${raw}`, field);
    raw = String(raw);
  }
  if (typeof raw !== 'string') {
    throw invalid('invalid_amount', `${field} must be a decimal like ${example}`, field);
  }
  const s = raw.trim();
  if (s.length > 24) {
    throw invalid(
      'invalid_amount',
      `${field} is too long to be an amount (${s.length} characters); send it like ${example}`,
      field,
    );
  }
  if (s.startsWith('-')) throw invalid('invalid_amount', `${field} must not be negative, got "${s}"`, field);
  const m = DECIMAL.exec(s);
  if (!m) throw invalid('invalid_amount', `${field} must be a decimal like ${example}, got "${s}"`, field);
  const whole = m[1] ?? '0';
  let frac = m[2] ?? '';
  if (frac.length > exp) {
    // "12.50" and "12.500" are the same amount; only refuse digits that would be lost.
    if (/[1-9]/.test(frac.slice(exp))) {
      throw invalid('invalid_amount', `${field} has more than ${exp} decimals for ${currency}, got "${s}"`, field);
    }
    frac = frac.slice(0, exp);
  }
  const minor = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, '0') || '0');
  if (minor > BigInt(MAX_MINOR)) throw invalid('invalid_amount', `${field} is implausibly large, got "${s}"`, field);
  return Number(minor);
}

/** Minor units back to a plain decimal string ("1234" USD -> "12.34"), for APIs, CSV and macros. */
export function formatDecimal(minor: number, currency = 'USD'): string {
  const exp = currencyExponent(currency);
  const neg = minor < 0;
  const abs = BigInt(Math.abs(Math.trunc(minor)));
  if (exp === 0) return `${neg ? '-' : ''}${abs}`;
  const base = 10n ** BigInt(exp);
  return `${neg ? '-' : ''}${abs / base}.${(abs % base).toString().padStart(exp, '0')}`;
}

/** Human form for chat and email: "$1,234.50", "€12.00", "1,250 JPY". */
export function formatMoney(minor: number, currency = 'USD'): string {
  const exp = currencyExponent(currency);
  return moneyFormatter(currency, exp).format(minor / 10 ** exp);
}

/** With `extra` more decimals than the currency has: an EPC is usually a fraction of a cent ("$0.4911"). */
export function formatMoneyFine(minor: number, currency: string, extra: number): string {
  const exp = currencyExponent(currency);
  return moneyFormatter(currency, exp + extra).format(minor / 10 ** exp);
}

// Building an Intl.NumberFormat costs far more than using one; a report formats hundreds of amounts.
// Currencies are a short list; the bound only guards against a flood of invented codes.
const moneyFormatters = new LRUCache<string, Intl.NumberFormat>({ max: 500 });
function moneyFormatter(currency: string, digits: number): Intl.NumberFormat {
  const key = `${currency}:${digits}`;
  let f = moneyFormatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormatters.set(key, f);
  }
  return f;
}

/** Basis-point share of an amount, rounded half up, in integers only (2500 bp of 1999 = 500). */
export function shareOf(minor: number, basisPoints: number): number {
  return Number((BigInt(minor) * BigInt(basisPoints) + 5_000n) / 10_000n);
}

/**
 * Splits `total` over `weights` so the parts add up to exactly `total` (largest remainder method);
 * used to spread a cost over clicks.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || weights.length === 0) return weights.map(() => 0);
  const raw = weights.map((w) => (BigInt(total) * BigInt(w)) / BigInt(sum));
  let left = BigInt(total) - raw.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, rem: (BigInt(total) * BigInt(w)) % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    raw[i] = (raw[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return raw.map(Number);
}

const CURRENCY = /^[A-Z]{3}$/;
export function parseCurrency(raw: unknown, field = 'currency'): string {
  const s = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  if (!CURRENCY.test(s))
    throw invalid('invalid_currency', `${field} must be a 3-letter ISO code like USD or EUR`, field);
  return s;
}
