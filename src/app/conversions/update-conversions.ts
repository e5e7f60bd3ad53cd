import type { Knex } from 'knex';
import {
  type ConversionRow,
  type ConversionSelector,
  findCampaignTerms,
  findClickByRowId,
  findClicksByPublicIds,
  findConversions,
  updateConversionMoney,
} from '../../db/repositories/conversions.js';
import { findReferralCommission, updateReferralCommission } from '../../db/repositories/ledger.js';
import { type ConversionStatus, parseConversionStatus } from '../../domain/conversion-status.js';
import { AppError, conflict, invalid, notFound, ValidationError } from '../../domain/errors.js';
import type { ConversionMoney } from '../../domain/ledger.js';
import { parseMoney } from '../../domain/money.js';
import { matchPayoutRule, payoutFor, referralCommission } from '../../domain/payout-rules.js';
import type { Deps } from '../deps.js';
import { applyConversionChanges } from './conversion-effects.js';
import { outboxOf } from './conversion-events.js';

export const MAX_UPDATE_ITEMS = 1000;

/** One requested change, shape-checked. Amounts stay text until the conversion's currency is known. */
interface UpdateItem {
  conversionId?: number;
  txid?: string;
  clickId?: string;
  type?: string;
  status?: ConversionStatus;
  payout?: string;
  revenue?: string;
}

export interface UpdateResult {
  index: number;
  status: 'updated' | 'unchanged' | 'error';
  conversion_id?: number;
  error?: { code: string; message: string; field?: string };
}

function str(o: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw invalid('invalid_field', `${field} must be a string`, field);
  const s = String(v).trim();
  if (s.length > max) throw invalid('field_too_long', `${field} must be at most ${max} characters`, field);
  return s === '' ? undefined : s;
}

function parseItem(raw: unknown): UpdateItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('invalid_item', 'each update must be an object like {"conversion_id": 1, "status": "approved"}');
  }
  const o = raw as Record<string, unknown>;
  const idText = str(o, 'conversion_id', 20);
  if (idText !== undefined && !/^[1-9]\d{0,15}$/.test(idText)) {
    throw invalid('invalid_conversion_id', 'conversion_id must be a positive integer', 'conversion_id');
  }
  const item: UpdateItem = {
    conversionId: idText === undefined ? undefined : Number(idText),
    txid: str(o, 'txid', 128),
    clickId: str(o, 'clickid', 64),
    type: str(o, 'type', 64),
    status: parseConversionStatus(str(o, 'status', 32)),
    payout: str(o, 'payout', 64),
    revenue: str(o, 'revenue', 64),
  };
  // Shape only; the conversion's currency decides how many decimals are allowed (checked per item later).
  if (item.payout !== undefined) parseMoney(item.payout, 'payout', 'BHD');
  if (item.revenue !== undefined) parseMoney(item.revenue, 'revenue', 'BHD');
  if (item.conversionId === undefined && item.txid === undefined && item.clickId === undefined) {
    throw invalid(
      'missing_conversion',
      'name the conversion by conversion_id, txid, or clickid and type',
      'conversion_id',
    );
  }
  if (item.status === undefined && item.payout === undefined && item.revenue === undefined) {
    throw invalid('nothing_to_change', 'send at least one of status, payout, revenue', 'status');
  }
  return item;
}

/**
 * Changes status, payout and/or revenue of conversions named by conversion_id, by txid, or by clickid and
 * type (plus txid when a click has several of that type). The whole request is shape-checked first: one
 * malformed item answers 400 and nothing is written. Then each item runs in its own transaction and gets
 * its own result, so one unknown conversion does not hold back the others. A revenue change recomputes a
 * revshare payout unless `payout` is given too; `payout` is an explicit override of the partner's payout.
 */
export async function updateConversions(deps: Deps, input: unknown): Promise<UpdateResult[]> {
  const list = Array.isArray(input) ? input : (input as { conversions?: unknown } | null)?.conversions;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid('invalid_body', 'send a JSON array of updates (or {"conversions": [...]})');
  }
  if (list.length > MAX_UPDATE_ITEMS) {
    throw invalid('too_many_items', `send at most ${MAX_UPDATE_ITEMS} updates per request, got ${list.length}`);
  }
  const items: UpdateItem[] = [];
  const issues: { field: string; message: string }[] = [];
  list.forEach((raw, i) => {
    try {
      items.push(parseItem(raw));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      issues.push({ field: `[${i}]${err.field ? `.${err.field}` : ''}`, message: err.message });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);

  const results: UpdateResult[] = [];
  for (const [index, item] of items.entries()) {
    try {
      const r = await deps.db.transaction((trx) => updateOne(deps, trx, item));
      results.push({ index, ...r });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const error = err.field
        ? { code: err.code, message: err.message, field: err.field }
        : { code: err.code, message: err.message };
      results.push({ index, status: 'error', error });
    }
  }
  return results;
}

async function selectorFor(trx: Knex.Transaction, item: UpdateItem): Promise<ConversionSelector> {
  if (item.conversionId !== undefined) return { by: 'id', id: item.conversionId };
  if (item.clickId === undefined) return { by: 'txid', txid: item.txid ?? '' };
  const click = (await findClicksByPublicIds(trx, [item.clickId])).get(item.clickId);
  const terms = click && (await findCampaignTerms(trx, [click.campaignId])).get(click.campaignId);
  if (!click || !terms) throw notFound('click_not_found', `no click with clickid "${item.clickId}"`, 'clickid');
  const rule = matchPayoutRule(terms.rules, item.type);
  return { by: 'click', clickRowId: click.id, typeKey: rule.typeKey, txid: item.txid };
}

async function updateOne(deps: Deps, trx: Knex.Transaction, item: UpdateItem): Promise<Omit<UpdateResult, 'index'>> {
  const found = await findConversions(trx, await selectorFor(trx, item), { lock: true, limit: 2 });
  const conv: ConversionRow | undefined = found[0];
  if (!conv)
    throw notFound(
      'conversion_not_found',
      'no conversion matches; check conversion_id, txid or clickid+type',
      'conversion_id',
    );
  if (found.length > 1) {
    throw conflict(
      'ambiguous_conversion',
      'several conversions match; name it by conversion_id (or clickid, type and txid)',
      item.txid ? 'txid' : 'type',
    );
  }
  const commission = await findReferralCommission(trx, conv.id);
  const revenue = item.revenue === undefined ? conv.revenue : parseMoney(item.revenue, 'revenue', conv.currency);
  let payout = conv.payout;
  if (item.payout !== undefined) payout = parseMoney(item.payout, 'payout', conv.currency);
  else if (item.revenue !== undefined) {
    const rule = (await findCampaignTerms(trx, [conv.campaign_id]))
      .get(conv.campaign_id)
      ?.rules.find((r) => r.typeKey === conv.type_key);
    if (rule?.kind === 'revshare') payout = payoutFor(rule, revenue);
  }
  const before: ConversionMoney = {
    status: conv.status,
    payout: conv.payout,
    revenue: conv.revenue,
    referral: commission?.amount ?? 0,
  };
  const after: ConversionMoney = {
    status: item.status ?? conv.status,
    payout,
    revenue,
    referral: commission ? referralCommission(payout, commission.rate_bp) : 0,
  };
  if (before.status === after.status && before.payout === after.payout && before.revenue === after.revenue) {
    return { status: 'unchanged', conversion_id: conv.id };
  }
  const now = deps.now();
  const click = await findClickByRowId(trx, conv.click_row_id);
  if (!click) throw new Error(`conversion ${conv.id} has no click row`);
  await updateConversionMoney(trx, conv.id, { status: after.status, payout, revenue, updated_at: now });
  if (commission)
    await updateReferralCommission(trx, commission.id, {
      amount: after.referral,
      status: after.status,
      updated_at: now,
    });
  await applyConversionChanges(
    trx,
    [
      {
        conversionId: conv.id,
        partnerId: conv.partner_id,
        campaignId: conv.campaign_id,
        type: conv.type,
        typeKey: conv.type_key,
        txid: conv.txid,
        currency: conv.currency,
        conversionAt: conv.created_at,
        click,
        referrerId: commission?.referrer_id ?? null,
        before,
        after,
      },
    ],
    now,
    outboxOf(deps),
  );
  return { status: 'updated', conversion_id: conv.id };
}
