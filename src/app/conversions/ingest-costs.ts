import { z } from 'zod';
import {
  type CostSlice,
  findCampaignCurrency,
  insertCost,
  maxClickId,
  partnerExists,
  setClickCost,
  sliceClicksInHour,
  sliceHourCounts,
} from '../../db/repositories/costs.js';
import { applyRollupDeltas, type RollupDelta } from '../../db/rollups.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { allocate, formatDecimal, parseCurrency, parseMoney } from '../../domain/money.js';
import { parseDate } from '../../domain/period.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';

const id = (what: string) =>
  z.union(
    [
      z.number().int().positive(),
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number),
    ],
    {
      error: `must be the numeric id of a ${what}, like 12`,
    },
  );

const TIME_HINT = 'must be a UTC time like "2026-11-01 00:00:00" or ISO 8601 like 2026-11-01T00:00:00Z';

export const CostInput = z
  .object({
    campaign_id: id('campaign'),
    time_from: z.string({ error: TIME_HINT }).max(40),
    time_to: z.string({ error: TIME_HINT }).max(40),
    cost: z.union([z.string(), z.number()], { error: 'must be a decimal amount like 12.50' }),
    currency: z.string({ error: 'must be a 3-letter ISO code like USD' }),
    partner_id: id('partner').optional(),
    country_code: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code like DE')
      .transform((s) => s.toUpperCase())
      .optional(),
    sub_name: z
      .enum(['sub1', 'sub2', 'sub3', 'sub4', 'sub5'], { error: 'must be one of sub1, sub2, sub3, sub4, sub5' })
      .optional(),
    sub_value: z.string().min(1, 'must not be empty').max(256).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.sub_name !== undefined && v.sub_value === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sub_value'],
        message: 'is required with sub_name: the value of that sub to match',
      });
    }
    if (v.sub_value !== undefined && v.sub_name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sub_name'], message: 'is required with sub_value: one of sub1..sub5' });
    }
  });

const TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;

/**
 * "2026-11-01 10:00:00" (RedTrack's form), "2026-11-01T10:00:00Z", "2026-11-01T12:00:00+02:00" or a bare
 * date. Without an offset the time is UTC: costs come from ad platforms in many zones, and guessing one
 * would silently shift money between days.
 */
export function parseUtcTime(raw: string, field: string): number {
  const m = TIME.exec(raw.trim());
  // parseDate refuses 2026-02-30, which Date.parse would quietly roll over into March.
  const date = m ? parseDate(m[1] ?? '') : null;
  if (!m || !date) throw invalid('validation_failed', `${field} ${TIME_HINT}, got "${raw.slice(0, 40)}"`, field);
  const [, , hh = '00', mm = '00', ss = '00', frac = '0', zone = 'Z'] = m;
  const local = Date.UTC(
    date.year,
    date.month - 1,
    date.day,
    Number(hh),
    Number(mm),
    Number(ss),
    Number(frac.padEnd(3, '0')),
  );
  if (zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

export interface IngestCostsResult {
  status: 'ok';
  cost_id: number;
  clicks: number;
  amount: string;
  currency: string;
  /** What the same clicks carried before: a resend of a cost replaces, it does not add. */
  previous_amount: string;
}

/** Longest range one cost may cover; longer is almost always a wrong year. */
const MAX_RANGE_MS = 366 * 86_400_000;
/** Clicks whose new cost is written per round of UPDATEs. */
const FLUSH = 5_000;

/**
 * POST /api/v1/costs: spreads a cost evenly over the clicks of one campaign in [time_from, time_to),
 * optionally narrowed to a partner, a country and one sub value (RedTrack's update-cost).
 *
 * Each click's `cost` is SET to its share, and the rollups move by the difference from what the click
 * carried before, so sending the cost of a slice again replaces it instead of doubling it; a narrower
 * slice sent later overrides the wider one on its own clicks. Shares are integers that add up exactly
 * (largest remainder, per hour and then per click). All in one transaction: a failure writes nothing.
 */
export async function ingestCosts(deps: Deps, body: unknown): Promise<IngestCostsResult> {
  const v = parseInput(CostInput, body ?? {});
  const from = parseUtcTime(v.time_from, 'time_from');
  const to = parseUtcTime(v.time_to, 'time_to');
  if (to <= from)
    throw invalid(
      'invalid_time_range',
      'time_to must be after time_from (the range is [time_from, time_to))',
      'time_to',
    );
  if (to - from > MAX_RANGE_MS)
    throw invalid('invalid_time_range', 'a cost may cover at most 366 days; send one per month', 'time_to');
  const currency = parseCurrency(v.currency);
  const amount = parseMoney(v.cost, 'cost', currency);
  const slice: CostSlice = {
    campaignId: v.campaign_id,
    from,
    to,
    partnerId: v.partner_id,
    country: v.country_code,
    subName: v.sub_name,
    subValue: v.sub_value,
  };

  return deps.db.transaction(async (trx) => {
    const campaignCurrency = await findCampaignCurrency(trx, slice.campaignId);
    if (!campaignCurrency)
      throw notFound('campaign_not_found', `no campaign with id ${slice.campaignId}`, 'campaign_id');
    if (campaignCurrency !== currency) {
      throw invalid(
        'currency_mismatch',
        `campaign ${slice.campaignId} is in ${campaignCurrency}; send the cost in ${campaignCurrency} (costs are not converted)`,
        'currency',
      );
    }
    if (slice.partnerId !== undefined && !(await partnerExists(trx, slice.partnerId))) {
      throw notFound('partner_not_found', `no partner with id ${slice.partnerId}`, 'partner_id');
    }
    const maxId = await maxClickId(trx);
    const hours = await sliceHourCounts(trx, slice, maxId);
    const total = hours.reduce((a, h) => a + h.n, 0);
    if (total === 0) {
      throw conflict(
        'no_clicks_in_slice',
        `campaign ${slice.campaignId} has no clicks from ${v.time_from} to ${v.time_to} UTC in this slice, so there is nothing to spread the cost over; nothing was written. Check the times (UTC) and the partner, country and sub filters`,
      );
    }
    const perHour = allocate(
      amount,
      hours.map((h) => h.n),
    );
    const deltas = new Map<string, RollupDelta>();
    const pending = new Map<number, number[]>(); // new cost -> click ids
    let pendingCount = 0;
    let previous = 0;
    const flush = async () => {
      for (const [cost, ids] of pending) await setClickCost(trx, ids, cost);
      pending.clear();
      pendingCount = 0;
    };

    for (const [i, h] of hours.entries()) {
      const clicks = await sliceClicksInHour(trx, slice, h.hour, maxId);
      if (clicks.length !== h.n) {
        // Only possible when another writer commits a click below maxId meanwhile (PostgreSQL).
        throw conflict(
          'cost_slice_changed',
          'the clicks of this slice changed while the cost was being spread; send it again',
        );
      }
      const shares = allocate(
        perHour[i] ?? 0,
        clicks.map(() => 1),
      );
      for (const [j, c] of clicks.entries()) {
        const cost = shares[j] ?? 0;
        previous += c.cost;
        if (cost === c.cost) continue;
        const ids = pending.get(cost) ?? [];
        ids.push(c.id);
        pending.set(cost, ids);
        pendingCount += 1;
        addCostDelta(deltas, slice.campaignId, c, cost - c.cost);
      }
      if (pendingCount >= FLUSH) await flush();
    }
    await flush();
    // One call, so rollup rows are locked in one sorted order (see applyRollupDeltas).
    await applyRollupDeltas(
      trx,
      [...deltas.values()].filter((d) => d.cost !== 0),
    );
    const costId = await insertCost(trx, {
      campaign_id: slice.campaignId,
      partner_id: slice.partnerId ?? null,
      country: slice.country ?? null,
      sub_name: slice.subName ?? null,
      sub_value: slice.subValue ?? null,
      time_from: from,
      time_to: to,
      amount,
      currency,
      clicks: total,
      created_at: deps.now(),
    });
    deps.logger.info(
      { event: 'costs.ingested', costId, campaignId: slice.campaignId, clicks: total, amount },
      'cost spread over clicks',
    );
    return {
      status: 'ok' as const,
      cost_id: costId,
      clicks: total,
      amount: formatDecimal(amount, currency),
      currency,
      previous_amount: formatDecimal(previous, currency),
    };
  });
}

/** Sums cost changes per rollup key, so a million clicks become a few thousand rollup updates. */
function addCostDelta(
  into: Map<string, RollupDelta>,
  campaignId: number,
  c: { partner_id: number; landing_id: number | null; country: string; device: string; os: string; created_at: number },
  diff: number,
): void {
  const hourStart = Math.floor(c.created_at / 3_600_000) * 3_600_000;
  const key = `${c.partner_id}|${hourStart}|${c.landing_id ?? 0}|${c.country}|${c.device}|${c.os}`;
  const d = into.get(key);
  if (d) d.cost = (d.cost ?? 0) + diff;
  else
    into.set(key, {
      at: hourStart,
      partnerId: c.partner_id,
      campaignId,
      landingId: c.landing_id,
      country: c.country,
      device: c.device,
      os: c.os,
      typeKey: '',
      cost: diff,
    });
}
