import { formatMoney } from '../../src/domain/money.js';
import { localTime, type Period } from '../../src/domain/period.js';

/**
 * Formatting shared by the chat commands. Every figure a partner reads names its period and time zone, so
 * "today" in Berlin is never mistaken for today in UTC.
 */

/** "$1,234.50" from minor units. */
export const money = (minor: number, currency: string): string => formatMoney(minor, currency);

/** "2.5%" from a percent figure (report CR); "–" when there is nothing to divide by. */
export const percent = (p: number | null | undefined): string => (p === null || p === undefined ? '–' : `${p}%`);

/** EPC (a decimal string in major units, two extra decimals) with its currency: "0.0345 USD". */
export const epc = (e: string | null | undefined, currency: string): string =>
  e === null || e === undefined ? '–' : `${e} ${currency}`;

/** "last 7 days (2026-11-18..2026-11-24), Europe/Berlin": the caption of every figure. */
export const periodLabel = (p: Pick<Period, 'label' | 'timezone'>): string => `${p.label}, ${p.timezone}`;

/** "2026-11-24 14:05" in the partner's zone. */
export function localStamp(ms: number, timezone: string): string {
  const t = localTime(ms, timezone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}`;
}

/**
 * Change against a previous figure: "▲ 12.5%", "▼ 3%", "= 0%", or "new" when there was nothing before.
 * Integers only until the last division, so the sign is never a float artefact.
 */
export function change(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '= 0%' : 'new';
  const diff = current - previous;
  const pct = Math.round((Math.abs(diff) * 1000) / Math.abs(previous)) / 10;
  if (diff === 0) return '= 0%';
  return `${diff > 0 ? '▲' : '▼'} ${pct}%`;
}

/** Cuts long values (sub ids come from ad traffic) so a table stays readable on a phone. */
export const clip = (s: string, max = 28): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** "1 click", "3 clicks". */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
