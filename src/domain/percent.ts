import { invalid } from './errors.js';
import { formatDecimal } from './money.js';

/**
 * Revenue shares are whole basis points (2500 = 25 %), parsed from and shown as decimal percent text,
 * without floats, like money.
 */

/** Basis points -> "25", "12.5" (trailing zeros dropped). */
export function formatPercent(bp: number): string {
  return formatDecimal(bp, 'USD').replace(/\.?0+$/, '');
}

/** "25", "12.5", "7,25" -> basis points, without floats. */
export function parsePercent(raw: unknown, field: string): number {
  const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) throw invalid('invalid_percent', `${field} must be a percentage like 25 or 12.5, got "${s}"`, field);
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (bp > 10_000) throw invalid('invalid_percent', `${field} must be at most 100, got "${s}"`, field);
  return bp;
}
