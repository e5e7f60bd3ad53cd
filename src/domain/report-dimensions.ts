import { invalid } from './errors.js';
import { ownEntry } from './own-entry.js';

/** What a report can be grouped by (CONTRACT.md). `partner` is for managers and admins only. */
export const REPORT_GROUPS = [
  'campaign',
  'landing',
  'geo',
  'device',
  'os',
  'day',
  'hour',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'partner',
] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export const SUB_GROUPS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export type SubGroup = (typeof SUB_GROUPS)[number];

/** Groups a partner may not use: they would show other partners. */
export const OPERATOR_ONLY_GROUPS: readonly ReportGroup[] = ['partner'];

export const isTimeGroup = (g: ReportGroup): g is 'day' | 'hour' => g === 'day' || g === 'hour';
export const isSubGroup = (g: ReportGroup): g is SubGroup => (SUB_GROUPS as readonly string[]).includes(g);

/** Accepts the contract's names plus a few words people type in chat ("country", "date"). */
const ALIASES: Record<string, ReportGroup> = {
  country: 'geo',
  countries: 'geo',
  date: 'day',
  days: 'day',
  daily: 'day',
  hours: 'hour',
  hourly: 'hour',
  campaigns: 'campaign',
  offer: 'campaign',
  landings: 'landing',
  lp: 'landing',
  devices: 'device',
  partners: 'partner',
};

export function parseGroup(raw: unknown, field = 'group'): ReportGroup {
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if ((REPORT_GROUPS as readonly string[]).includes(s)) return s as ReportGroup;
  const alias = ownEntry(ALIASES, s);
  if (alias) return alias;
  throw invalid(
    'invalid_group',
    `${field} must be one of ${REPORT_GROUPS.join(', ')}${s ? `, got "${String(raw).slice(0, 40)}"` : ''}`,
    field,
  );
}

/** Column title of the grouped-by value in tables and CSV. */
export const GROUP_TITLES: Record<ReportGroup, string> = {
  campaign: 'Campaign',
  landing: 'Landing',
  geo: 'Country',
  device: 'Device',
  os: 'OS',
  day: 'Day',
  hour: 'Hour',
  sub1: 'Sub1',
  sub2: 'Sub2',
  sub3: 'Sub3',
  sub4: 'Sub4',
  sub5: 'Sub5',
  partner: 'Partner',
};

/** The label of an empty value: a click with no landing, no detected device, no sub1 ... */
export function emptyLabel(g: ReportGroup): string {
  if (g === 'landing') return '(campaign default)';
  if (isSubGroup(g)) return '(empty)';
  return '(unknown)';
}
