import {
  dimRollupFacts,
  type FactScope,
  type FullRollupKey,
  fullRollupFacts,
  partnerCurrencies,
  partnerForReport,
  rawFacts,
} from '../../db/repositories/report-queries.js';
import { AppError, invalid, notFound } from '../../domain/errors.js';
import {
  addDays,
  formatDate,
  isValidTimezone,
  localDate,
  localDayKey,
  localHourKey,
  MAX_PERIOD_DAYS,
  offsetAt,
  parseTimezone,
  startOfDay,
} from '../../domain/period.js';
import {
  emptyLabel,
  GROUP_TITLES,
  isSubGroup,
  isTimeGroup,
  OPERATOR_ONLY_GROUPS,
  type ReportGroup,
} from '../../domain/report-dimensions.js';
import { buildRows, type Fact, partnerView, type ReportMetrics, type ReportRow } from '../../domain/report-math.js';
import { type Deps, readerOf } from '../deps.js';
import { namesThrough, type ReportLookups, typeNamesThrough } from './report-lookups.js';

export interface ReportQuery {
  /** Undefined: all partners (operators only). */
  partnerId?: number | undefined;
  group: ReportGroup;
  /** Half-open [from, to), epoch ms. */
  from: number;
  to: number;
  timezone: string;
  filters?: { campaignId?: number | undefined; country?: string | undefined } | undefined;
  /** All-partners reports: only partners paid in this currency (required when partners mix currencies). */
  currency?: string | undefined;
  /** 'partner' drops the operator's figures and refuses operator-only groups. Default 'operator'. */
  audience?: 'operator' | 'partner' | undefined;
  /** 'raw' forces the raw-table path (benchmarks and tests compare the two). */
  source?: 'auto' | 'raw' | undefined;
  /** Shared with the other reports of the same request (report-lookups.ts). */
  lookups?: ReportLookups | undefined;
}

export interface Report {
  group: ReportGroup;
  groupTitle: string;
  timezone: string;
  from: number;
  to: number;
  currency: string;
  partnerId: number | null;
  audience: 'operator' | 'partner';
  /** Where the figures came from: rollups, raw tables, or rollups with raw edges (unaligned periods). */
  source: 'rollup' | 'raw' | 'mixed';
  rows: ReportRow[];
  totals: ReportMetrics;
  /** Conversion type names present, most conversions first. */
  types: string[];
}

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/**
 * The report engine, shared by the API, the bots and the digests.
 *
 * Where the figures come from, fastest first:
 * - rollup_dim_hourly for one dimension (campaign, landing, geo, device, os; day/hour/partner from dim
 *   'all') when no campaign/country filter applies; groups that need no hour read whole UTC days from
 *   rollup_dim_daily and only the edge hours from rollup_dim_hourly (see dimRollupFacts);
 * - rollup_hourly (every dimension) when a filter applies;
 * - the raw clicks/conversions tables for sub1..sub5 (not rolled up) and for day/hour buckets in zones
 *   whose offset is not a whole number of hours (Asia/Kolkata +5:30), where a local day does not start on
 *   a UTC hour. Correct, but it reads every click of the period.
 * A period whose ends are not on whole UTC hours (any report in +5:30) reads the whole hours from the
 * rollups and only the partial edge hours from the raw tables.
 */
export async function buildReport(app: Pick<Deps, 'db' | 'readDb'>, q: ReportQuery): Promise<Report> {
  // Reports only read: on SQLite they run on the read pool, beside the writer instead of behind it.
  const deps = { db: readerOf(app) };
  const timezone = parseTimezone(q.timezone);
  const audience = q.audience ?? 'operator';
  checkPeriod(q.from, q.to);
  if (audience === 'partner') {
    if (q.partnerId === undefined) {
      throw new AppError(
        'forbidden',
        'partner_required',
        'a partner can only see their own report; give partner_id',
        'partner_id',
      );
    }
    if (OPERATOR_ONLY_GROUPS.includes(q.group)) {
      throw new AppError('forbidden', 'group_not_allowed', `grouping by ${q.group} is for managers only`, 'group');
    }
  }
  const { currency, partnerScope } = await resolveCurrency(deps, q);
  const scope: FactScope = {
    ...partnerScope,
    from: q.from,
    to: q.to,
    campaignId: q.filters?.campaignId,
    country: q.filters?.country,
  };
  const { facts, source, bucketMs } = await loadFacts(deps, q.group, scope, timezone, q.source === 'raw');
  const keyed = isTimeGroup(q.group) ? timeKeys(q.group, q.from, q.to, timezone) : undefined;
  const normalised = normaliseKeys(q.group, facts, timezone, bucketMs);
  const label = await labeller(deps, q.group, normalised, q.lookups);
  const types = [...new Set(normalised.map((f) => f.typeKey).filter((t) => t !== ''))];
  const names = await typeNamesThrough(deps.db, q.lookups, types);
  const built = buildRows(normalised, { currency, label, typeName: (t) => names.get(t) ?? t, keys: keyed });
  const view = audience === 'partner';
  return {
    group: q.group,
    groupTitle: GROUP_TITLES[q.group],
    timezone,
    from: q.from,
    to: q.to,
    currency,
    partnerId: q.partnerId ?? null,
    audience,
    source,
    rows: view ? built.rows.map(partnerView) : built.rows,
    totals: view ? partnerView(built.totals) : built.totals,
    types: built.types,
  };
}

function checkPeriod(from: number, to: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to <= from) {
    throw invalid('invalid_period', 'the period must end after it starts; check date_from and date_to', 'date_to');
  }
  // One extra day of slack: a local-day period across DST changes is not a multiple of 24 hours.
  if (to - from > (MAX_PERIOD_DAYS + 1) * 86_400_000) {
    throw invalid('period_too_long', `a report covers at most ${MAX_PERIOD_DAYS} days; shorten the period`, 'date_to');
  }
}

/**
 * A partner's report is in the partner's currency (their campaigns are assumed to share it: no FX).
 * Across partners, amounts in different currencies cannot be added, so a mixed set must be narrowed with
 * `currency`; a single-currency program never needs it.
 */
async function resolveCurrency(
  deps: Pick<Deps, 'db'>,
  q: ReportQuery,
): Promise<{ currency: string; partnerScope: Pick<FactScope, 'partnerId' | 'currency'> }> {
  if (q.partnerId !== undefined) {
    const known = q.lookups?.partner;
    if (known?.id === q.partnerId) return { currency: known.currency, partnerScope: { partnerId: known.id } };
    const p = await partnerForReport(deps.db, q.partnerId);
    if (!p) throw notFound('partner_not_found', `no partner with id ${q.partnerId}`, 'partner_id');
    return { currency: p.currency, partnerScope: { partnerId: p.id } };
  }
  const all = await partnerCurrencies(deps.db);
  if (q.currency !== undefined) {
    return { currency: q.currency, partnerScope: { currency: all.length > 1 ? q.currency : undefined } };
  }
  if (all.length > 1) {
    throw invalid(
      'mixed_currencies',
      `partners are paid in ${all.join(', ')}, which cannot be added up; pass currency=${all[0]} (or one partner_id)`,
      'currency',
    );
  }
  return { currency: all[0] ?? 'USD', partnerScope: {} };
}

/** True when the zone's offset is a whole number of hours throughout [from, to). */
function wholeHourOffsets(from: number, to: number, timezone: string): boolean {
  if (timezone === 'UTC') return true;
  // Offsets change at most a few times a year and last far longer than a day, so daily probes find them.
  for (let t = from; t < to; t += 86_400_000) if (offsetAt(t, timezone) % HOUR_MS !== 0) return false;
  return offsetAt(to - 1, timezone) % HOUR_MS === 0;
}

async function loadFacts(
  deps: Pick<Deps, 'db'>,
  group: ReportGroup,
  scope: FactScope,
  timezone: string,
  forceRaw: boolean,
): Promise<{ facts: Fact[]; source: Report['source']; bucketMs: number }> {
  const db = deps.db;
  const rawKey = isTimeGroup(group) ? 'bucket' : group;
  const aligned = scope.from % HOUR_MS === 0 && scope.to % HOUR_MS === 0;
  const inner = { from: Math.ceil(scope.from / HOUR_MS) * HOUR_MS, to: Math.floor(scope.to / HOUR_MS) * HOUR_MS };
  if (
    forceRaw ||
    isSubGroup(group) ||
    inner.to <= inner.from ||
    (isTimeGroup(group) && !(aligned && wholeHourOffsets(scope.from, scope.to, timezone)))
  ) {
    return { facts: await rawFacts(db, scope, rawKey, QUARTER_MS), source: 'raw', bucketMs: QUARTER_MS };
  }
  const filtered = scope.campaignId !== undefined || scope.country !== undefined;
  const s = { ...scope, ...inner };
  let facts: Fact[];
  if (filtered) facts = await fullRollupFacts(db, s, FULL_KEY[group as keyof typeof FULL_KEY]);
  else if (isTimeGroup(group)) facts = await dimRollupFacts(db, s, 'all', 'hour');
  else if (group === 'partner') facts = await dimRollupFacts(db, s, 'all', 'partner');
  else facts = await dimRollupFacts(db, s, group as 'campaign' | 'landing' | 'geo' | 'device' | 'os', 'value');
  if (aligned) return { facts, source: 'rollup', bucketMs: HOUR_MS };
  // Not a time group (those went raw above): the partial edge hours come from the raw tables.
  for (const edge of [
    { from: scope.from, to: inner.from },
    { from: inner.to, to: scope.to },
  ]) {
    if (edge.to > edge.from) facts.push(...(await rawFacts(db, { ...scope, ...edge }, rawKey)));
  }
  return { facts, source: 'mixed', bucketMs: HOUR_MS };
}

const FULL_KEY: Record<Exclude<ReportGroup, 'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5'>, FullRollupKey> = {
  campaign: 'campaign_id',
  landing: 'landing_id',
  geo: 'country',
  device: 'device',
  os: 'os',
  day: 'hour',
  hour: 'hour',
  partner: 'partner_id',
};

/**
 * Brings keys from every source to one form: UTC hours (rollups) and quarter-hour buckets (raw) become
 * local 'YYYY-MM-DD' or 'YYYY-MM-DD HH:00' (`bucketMs` says which); landing 0 (raw, rollup_hourly) becomes '' like the dim rollup.
 */
function normaliseKeys(group: ReportGroup, facts: Fact[], timezone: string, bucketMs: number): Fact[] {
  if (group === 'landing') return facts.map((f) => (f.key === '0' ? { ...f, key: '' } : f));
  if (!isTimeGroup(group)) return facts;
  const toKey = group === 'day' ? localDayKey : localHourKey;
  const cache = new Map<string, string>();
  return facts.map((f) => {
    let k = cache.get(f.key);
    if (k === undefined) {
      k = toKey(Number(f.key) * bucketMs, timezone);
      cache.set(f.key, k);
    }
    return { ...f, key: k };
  });
}

/** Every local day or hour of [from, to), so a chart shows empty stretches as zeros. */
function timeKeys(group: 'day' | 'hour', from: number, to: number, timezone: string): string[] {
  if (group === 'day') {
    const keys: string[] = [];
    for (let d = localDate(from, timezone); startOfDay(d, timezone) < to; d = addDays(d, 1)) keys.push(formatDate(d));
    return keys;
  }
  const step = wholeHourOffsets(from, to, timezone) ? HOUR_MS : QUARTER_MS;
  const keys = new Set<string>();
  for (let t = from; t < to; t += step) keys.add(localHourKey(t, timezone));
  return [...keys];
}

async function labeller(
  deps: Pick<Deps, 'db'>,
  group: ReportGroup,
  facts: Fact[],
  lookups: ReportLookups | undefined,
): Promise<(key: string) => string> {
  const table =
    group === 'campaign' ? 'campaigns' : group === 'landing' ? 'landings' : group === 'partner' ? 'partners' : null;
  const empty = emptyLabel(group);
  if (!table) return (k) => (k === '' ? empty : k);
  const ids = [...new Set(facts.map((f) => Number(f.key)).filter((n) => Number.isInteger(n) && n > 0))];
  const names = await namesThrough(deps.db, lookups, table, ids);
  return (k) => (k === '' ? empty : (names.get(Number(k)) ?? `#${k}`));
}

/** The zone a report is shown in when the caller names none: the partner's own, UTC across partners. */
export async function reportTimezone(deps: Pick<Deps, 'db'>, partnerId: number | undefined): Promise<string> {
  if (partnerId === undefined) return 'UTC';
  const p = await partnerForReport(deps.db, partnerId);
  if (!p) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  return p.timezone && isValidTimezone(p.timezone) ? parseTimezone(p.timezone) : 'UTC';
}
