import type { Knex } from 'knex';
import {
  type ConversionMoneyUpdate,
  findConversionsByIds,
  matchConversionsByClicks,
  matchConversionsByTxids,
  type SelectorMatch,
  updateConversionsMoney,
} from '../../db/repositories/conversion-updates.js';
import {
  type CampaignTerms,
  type ConversionRow,
  findCampaignTerms,
  findClicksByPublicIds,
  findClicksByRowIds,
} from '../../db/repositories/conversions.js';
import {
  findReferralCommissions,
  type ReferralCommissionRow,
  updateReferralCommissions,
} from '../../db/repositories/ledger.js';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import { AppError, conflict, notFound } from '../../domain/errors.js';
import type { ConversionMoney } from '../../domain/ledger.js';
import { parseMoney } from '../../domain/money.js';
import { matchPayoutRule, payoutFor, referralCommission } from '../../domain/payout-rules.js';
import type { Deps } from '../deps.js';
import { applyConversionChanges, type ConversionChange } from './conversion-effects.js';
import { outboxOf } from './conversion-events.js';

/** One requested change, shape-checked. Amounts stay text until the conversion's currency is known. */
export interface UpdateItem {
  conversionId?: number;
  txid?: string;
  clickId?: string;
  type?: string;
  status?: ConversionStatus;
  payout?: string;
  revenue?: string;
}

export type UpdateOutcome =
  | { status: 'updated' | 'unchanged'; conversion_id: number }
  | { status: 'error'; error: AppError };

/**
 * Applies a request's updates in ONE transaction, with a fixed number of statements whatever its size (on
 * PostgreSQL each statement is a round trip): the conversions are read and locked in one statement in id
 * order, their commissions and clicks in one each, the new figures written by one multi-row UPDATE per table,
 * and ledger, rollups and outbox booked together. Items are decided in request order against the figures as
 * the earlier items left them, so two items naming one conversion apply one after the other, as they did
 * when each item had its own transaction. An item that cannot apply (unknown, ambiguous, bad amount) gets its
 * error and changes nothing; a database failure rolls back the whole request.
 */
export async function updateConversionBatch(deps: Deps, items: UpdateItem[]): Promise<UpdateOutcome[]> {
  return deps.db.transaction(async (trx) => {
    const out: UpdateOutcome[] = new Array(items.length);
    const ids = await resolveIds(trx, items, out);
    const convs = await findConversionsByIds(
      trx,
      ids.filter((id): id is number => id !== undefined),
      { lock: true },
    );
    const found = [...convs.values()];
    // One after the other: a transaction is one connection, which runs one statement at a time anyway.
    const commissions = await findReferralCommissions(
      trx,
      found.map((c) => c.id),
    );
    const clicks = await findClicksByRowIds(
      trx,
      found.map((c) => c.click_row_id),
    );
    // Revshare payouts follow a revenue change unless the item sets the payout itself: the rules are read
    // only when some item needs them.
    const needsRules = items.some(
      (it, i) => ids[i] !== undefined && it.revenue !== undefined && it.payout === undefined,
    );
    const terms = needsRules
      ? await findCampaignTerms(trx, [...new Set(found.map((c) => c.campaign_id))])
      : new Map<number, CampaignTerms>();

    const now = deps.now();
    const changes: ConversionChange[] = [];
    const conversionRows = new Map<number, ConversionMoneyUpdate>();
    const commissionRows = new Map<number, ReferralCommissionRow>();
    for (const [index, item] of items.entries()) {
      const id = ids[index];
      if (id === undefined) continue; // answered with its error by resolveIds
      const conv = convs.get(id);
      if (!conv) {
        out[index] = { status: 'error', error: conversionNotFound(item) };
        continue;
      }
      let next: ReturnType<typeof decide>;
      try {
        next = decide(item, conv, commissions.get(conv.id), terms);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out[index] = { status: 'error', error: err };
        continue;
      }
      if (!next) {
        out[index] = { status: 'unchanged', conversion_id: conv.id };
        continue;
      }
      const click = clicks.get(conv.click_row_id);
      if (!click) throw new Error(`conversion ${conv.id} has no click row`);
      const { before, after } = next;
      const commission = commissions.get(conv.id);
      changes.push({
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
      });
      // The next item naming this conversion starts from these figures.
      const updated = { status: after.status, payout: after.payout, revenue: after.revenue, updated_at: now };
      convs.set(conv.id, { ...conv, ...updated });
      conversionRows.set(conv.id, { id: conv.id, ...updated });
      if (commission) {
        const c = { ...commission, amount: after.referral, status: after.status, updated_at: now };
        commissions.set(conv.id, c);
        commissionRows.set(c.id, c);
      }
      out[index] = { status: 'updated', conversion_id: conv.id };
    }
    await updateConversionsMoney(trx, [...conversionRows.values()]);
    await updateReferralCommissions(trx, [...commissionRows.values()]);
    await applyConversionChanges(trx, changes, now, { ...outboxOf(deps), notePerEvent: true });
    return out;
  });
}

/** Names the selector the item used, so the caller knows which value to check. */
function conversionNotFound(item: UpdateItem) {
  if (item.conversionId !== undefined) {
    return notFound('conversion_not_found', `no conversion with conversion_id ${item.conversionId}`, 'conversion_id');
  }
  if (item.clickId === undefined) {
    return notFound('conversion_not_found', `no conversion with txid "${item.txid ?? ''}"`, 'txid');
  }
  // Without a type the campaign's default one was looked for: say only what the caller gave.
  const named = [
    ...(item.type === undefined ? [] : [`of type "${item.type}"`]),
    ...(item.txid === undefined ? [] : [`with txid "${item.txid}"`]),
  ];
  return notFound(
    'conversion_not_found',
    `click "${item.clickId}" has no conversion${named.length ? ` ${named.join(' ')}` : ''}; check type and txid`,
    item.txid === undefined ? 'type' : 'txid',
  );
}

/**
 * The conversion id each item names, or undefined with the item's error set. Items naming the id need no
 * statement; the others are answered from one statement per kind (clicks by clickid, then conversions
 * counted per txid and per click), without locking: the rows are locked together afterwards.
 */
async function resolveIds(trx: Knex.Transaction, items: UpdateItem[], out: UpdateOutcome[]) {
  const byClick = items.filter((it) => it.conversionId === undefined && it.clickId !== undefined);
  const byTxid = items.filter((it) => it.conversionId === undefined && it.clickId === undefined);
  const clicks = await findClicksByPublicIds(trx, [...new Set(byClick.map((it) => it.clickId as string))]);
  const terms = await findCampaignTerms(trx, [...new Set([...clicks.values()].map((c) => c.campaignId))]);
  const ofTxids = await matchConversionsByTxids(
    trx,
    byTxid.map((it) => it.txid ?? ''),
  );
  // Indexed by click once: looking each item's click up in the flat list cost items × groups comparisons.
  const ofClicks = new Map<number, Awaited<ReturnType<typeof matchConversionsByClicks>>>();
  for (const g of await matchConversionsByClicks(
    trx,
    [...clicks.values()].map((c) => c.id),
  )) {
    const list = ofClicks.get(g.click_row_id);
    if (list) list.push(g);
    else ofClicks.set(g.click_row_id, [g]);
  }
  const ids: (number | undefined)[] = new Array(items.length);
  for (const [index, item] of items.entries()) {
    try {
      if (item.conversionId !== undefined) ids[index] = item.conversionId;
      else if (item.clickId === undefined) ids[index] = single(ofTxids.get(item.txid ?? ''), item);
      else {
        const click = clicks.get(item.clickId);
        const t = click && terms.get(click.campaignId);
        if (!click || !t) throw notFound('click_not_found', `no click with clickid "${item.clickId}"`, 'clickid');
        const typeKey = matchPayoutRule(t.rules, item.type).typeKey;
        const groups = (ofClicks.get(click.id) ?? []).filter(
          (g) => g.type_key === typeKey && (item.txid === undefined || g.txid === item.txid),
        );
        const match =
          groups.length === 0
            ? undefined
            : {
                firstId: Math.min(...groups.map((g) => g.firstId)),
                count: groups.reduce((n, g) => n + g.count, 0),
              };
        ids[index] = single(match, item);
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out[index] = { status: 'error', error: err };
    }
  }
  return ids;
}

/** The one conversion a selector names; not found or ambiguous otherwise. */
function single(match: SelectorMatch | undefined, item: UpdateItem): number {
  if (!match) throw conversionNotFound(item);
  if (match.count > 1) {
    throw conflict(
      'ambiguous_conversion',
      'several conversions match; name it by conversion_id (or clickid, type and txid)',
      item.txid ? 'txid' : 'type',
    );
  }
  return match.firstId;
}

/** The item's change of this conversion, or null when it changes nothing. Throws AppError for bad amounts. */
function decide(
  item: UpdateItem,
  conv: ConversionRow,
  commission: ReferralCommissionRow | undefined,
  terms: Map<number, CampaignTerms>,
): { before: ConversionMoney; after: ConversionMoney } | null {
  const revenue = item.revenue === undefined ? conv.revenue : parseMoney(item.revenue, 'revenue', conv.currency);
  let payout = conv.payout;
  if (item.payout !== undefined) payout = parseMoney(item.payout, 'payout', conv.currency);
  else if (item.revenue !== undefined) {
    const rule = terms.get(conv.campaign_id)?.rules.find((r) => r.typeKey === conv.type_key);
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
    return null;
  }
  return { before, after };
}
