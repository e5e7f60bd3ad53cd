import type { CampaignTerms, ClickForConversion, ReferralTerms } from '../../db/repositories/conversions.js';
import {
  type ConversionStatus,
  DEFAULT_CONVERSION_STATUS,
  parseConversionStatus,
} from '../../domain/conversion-status.js';
import { type AppError, invalid, notFound } from '../../domain/errors.js';
import { parseCurrency, parseMoney } from '../../domain/money.js';
import { matchPayoutRule, payoutFor, referralCommission, revenueFor } from '../../domain/payout-rules.js';
import type { Deps } from '../deps.js';
import type { ConversionWriter } from './conversion-writer.js';

/**
 * An S2S conversion as received, checked for shape only. Revenue stays text until the campaign (and so its
 * currency's decimals) is known; everything else that needs the database is checked in the batch.
 */
export interface ConversionRequest {
  clickId: string;
  type: string | undefined;
  status: ConversionStatus | undefined;
  /** RedTrack sends revenue as `sum` or, equivalently, `payout`; `field` is the one it came in. */
  revenue: { raw: string; field: string } | undefined;
  txid: string;
  currency: string | undefined;
  receivedAt: number;
}

export type RecordOutcome =
  | { kind: 'created' | 'duplicate'; conversionId: number }
  | { kind: 'error'; error: AppError };

export interface ConversionDeps extends Deps {
  conversionWriter: ConversionWriter;
}

/** Currency with the most decimals we know: a shape check before the real currency is known refuses nothing valid. */
const WIDEST = 'BHD';

function text(input: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) throw invalid('repeated_field', `${field} was sent more than once; send it once`, field);
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') {
    throw invalid('invalid_field', `${field} must be a string`, field);
  }
  // Numbers are taken as their decimal text, never through arithmetic.
  const s = String(v).trim();
  if (s.length > max) throw invalid('field_too_long', `${field} must be at most ${max} characters`, field);
  return s === '' ? undefined : s;
}

/**
 * Checks the shape of one postback or uploaded item (RedTrack field names: clickid, sum or payout, type,
 * status, txid, currency). Throws an AppError naming the field; writes nothing.
 */
export function parseConversionRequest(input: unknown, receivedAt: number): ConversionRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('invalid_body', 'send the conversion as query parameters, a form or a JSON object');
  }
  const o = input as Record<string, unknown>;
  const clickId = text(o, 'clickid', 64);
  if (!clickId) {
    throw invalid('missing_clickid', 'clickid is required: pass the {clickid} your tracking link delivered', 'clickid');
  }
  const sum = text(o, 'sum', 64);
  const payout = text(o, 'payout', 64);
  // parseMoney refuses "abc", negatives, NaN, 1e309 and absurd lengths here already, naming the field.
  if (sum !== undefined) parseMoney(sum, 'sum', WIDEST);
  if (payout !== undefined) parseMoney(payout, 'payout', WIDEST);
  if (
    sum !== undefined &&
    payout !== undefined &&
    parseMoney(sum, 'sum', WIDEST) !== parseMoney(payout, 'payout', WIDEST)
  ) {
    throw invalid(
      'conflicting_amounts',
      `payout is an alias of sum (the conversion's revenue) and the two differ ("${sum}" vs "${payout}"); send one`,
      'payout',
    );
  }
  const currency = text(o, 'currency', 8);
  return {
    clickId,
    type: text(o, 'type', 64),
    status: parseConversionStatus(text(o, 'status', 32)),
    revenue:
      sum !== undefined
        ? { raw: sum, field: 'sum' }
        : payout !== undefined
          ? { raw: payout, field: 'payout' }
          : undefined,
    txid: text(o, 'txid', 128) ?? '',
    currency: currency === undefined ? undefined : parseCurrency(currency),
    receivedAt,
  };
}

export interface ResolvedConversion {
  click: ClickForConversion;
  type: string;
  typeKey: string;
  status: ConversionStatus;
  payout: number;
  revenue: number;
  currency: string;
  referral: { referrerId: number; rateBp: number; amount: number } | null;
}

/**
 * Applies the campaign's terms to a request: click, currency, type, revenue and payout. Throws an AppError
 * for anything the advertiser must fix; the batch turns it into that item's answer.
 */
export function resolveConversion(
  req: ConversionRequest,
  click: ClickForConversion | undefined,
  campaign: CampaignTerms | undefined,
  referral: ReferralTerms | undefined,
  defaultReferralRateBp: number,
): ResolvedConversion {
  if (!click || !campaign) {
    throw notFound(
      'click_not_found',
      `no click with clickid "${req.clickId}"; send the clickid that your tracking link passed to the landing page`,
      'clickid',
    );
  }
  if (req.currency !== undefined && req.currency !== campaign.currency) {
    throw invalid(
      'currency_mismatch',
      `currency must be ${campaign.currency}, the campaign's currency (got ${req.currency}); convert before sending`,
      'currency',
    );
  }
  const rule = matchPayoutRule(campaign.rules, req.type);
  const sent = req.revenue ? parseMoney(req.revenue.raw, req.revenue.field, campaign.currency) : undefined;
  const revenue = revenueFor(rule, sent);
  const payout = payoutFor(rule, revenue);
  const status = req.status ?? DEFAULT_CONVERSION_STATUS;
  let ref: ResolvedConversion['referral'] = null;
  if (referral?.referrerId != null && referral.referrerId !== click.partnerId) {
    const rateBp = referral.rateBp ?? defaultReferralRateBp;
    if (rateBp > 0) ref = { referrerId: referral.referrerId, rateBp, amount: referralCommission(payout, rateBp) };
  }
  return {
    click,
    type: rule.conversionType,
    typeKey: rule.typeKey,
    status,
    payout,
    revenue,
    currency: campaign.currency,
    referral: ref,
  };
}

export interface RecordConversionResult {
  conversionId: number;
  duplicate: boolean;
}

/**
 * Records one S2S conversion (the /postback use case). It goes through the group-commit writer, which
 * books it (conversion, ledger, referral, rollups) in one transaction with its neighbours. A repeat of
 * (click, type, txid) answers the original id with duplicate=true and changes nothing.
 */
export async function recordConversion(deps: ConversionDeps, input: unknown): Promise<RecordConversionResult> {
  const req = parseConversionRequest(input, deps.now());
  const outcome = await deps.conversionWriter.submit(req);
  if (outcome.kind === 'error') throw outcome.error;
  return { conversionId: outcome.conversionId, duplicate: outcome.kind === 'duplicate' };
}
