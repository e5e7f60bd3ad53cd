import type { Knex } from 'knex';
import {
  addPayoutRules,
  type ConversionKey,
  conversionKey,
  findClicksWithTerms,
  findConversionIdsByKeys,
  insertConversionsSkippingDuplicates,
  type NewConversionRow,
} from '../../db/repositories/conversions.js';
import { insertReferralCommissions } from '../../db/repositories/ledger.js';
import { findEnabledRules } from '../../db/repositories/postbacks.js';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { applyConversionChanges, type ConversionChange } from './conversion-effects.js';
import { outboxOf } from './conversion-events.js';
import type { ConversionRequest, RecordOutcome, ResolvedConversion } from './record-conversion.js';
import { resolveConversion } from './record-conversion.js';

/**
 * Books a batch of conversion requests in ONE transaction and answers each: created, duplicate (with the
 * original id) or error. No savepoints: items are resolved and de-duplicated in memory first, then the new
 * ones are inserted with ON CONFLICT DO NOTHING, so a duplicate racing in from another process is skipped
 * rather than aborting the batch. Item errors never roll back their neighbours; a database failure rolls
 * back the whole batch (the writer then retries items one by one).
 */
export async function recordConversionBatch(deps: Deps, reqs: ConversionRequest[]): Promise<RecordOutcome[]> {
  const looked = await lookUp(deps.db, reqs);
  return deps.db.transaction((trx) => bookBatch(deps, trx, reqs, looked));
}

/**
 * Everything the batch reads, before its transaction: clicks never change once written, and a campaign,
 * referral or postback edited meanwhile is simply edited a moment later for this batch. So the write
 * transaction holds the database's writer only for its inserts. Duplicates are still settled inside it.
 * Three statements in two round trips whatever the batch size: the clicks with their campaign's currency and
 * their partner's referral terms, then the payout rules and the postbacks side by side.
 * On SQLite these small indexed reads go to the writer connection, not the read pool: there they are
 * synchronous prepared statements of a few microseconds, where a trip to a pool connection on another thread
 * costs more than the reads themselves (measured with the earlier off-thread driver: 7 % of the main thread).
 */
async function lookUp(q: Knex, reqs: ConversionRequest[]) {
  const { clicks, campaigns, partners } = await findClicksWithTerms(q, [...new Set(reqs.map((r) => r.clickId))]);
  const partnerIds = [...new Set([...clicks.values()].map((c) => c.partnerId))];
  const [, postbacks] = await Promise.all([addPayoutRules(q, campaigns), findEnabledRules(q, partnerIds)]);
  return { clicks, campaigns, partners, postbacks };
}

async function bookBatch(
  deps: Deps,
  trx: Knex.Transaction,
  reqs: ConversionRequest[],
  { clicks, campaigns, partners, postbacks }: Awaited<ReturnType<typeof lookUp>>,
): Promise<RecordOutcome[]> {
  const out: RecordOutcome[] = new Array(reqs.length);

  // Resolve each item; the first of several identical keys is the one that may be created.
  const first = new Map<string, { index: number; resolved: ResolvedConversion; row: NewConversionRow }>();
  const repeats: { index: number; key: string }[] = [];
  for (const [index, req] of reqs.entries()) {
    let resolved: ResolvedConversion;
    try {
      const click = clicks.get(req.clickId);
      resolved = resolveConversion(
        req,
        click,
        click && campaigns.get(click.campaignId),
        click && partners.get(click.partnerId),
        deps.config.referralRateBp,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      out[index] = { kind: 'error', error: err };
      continue;
    }
    const row: NewConversionRow = {
      click_row_id: resolved.click.id,
      partner_id: resolved.click.partnerId,
      campaign_id: resolved.click.campaignId,
      type: resolved.type,
      type_key: resolved.typeKey,
      status: resolved.status,
      payout: resolved.payout,
      revenue: resolved.revenue,
      currency: resolved.currency,
      txid: req.txid,
      created_at: req.receivedAt,
      updated_at: req.receivedAt,
    };
    const key = conversionKey(row);
    if (first.has(key)) repeats.push({ index, key });
    else first.set(key, { index, resolved, row });
  }

  const inserted = await insertConversionsSkippingDuplicates(
    trx,
    [...first.values()].map((f) => f.row),
  );
  const ids = new Map<string, number>(inserted.map((r) => [conversionKey(r), r.id]));
  const created = new Set(ids.keys());
  const missing: ConversionKey[] = [...first.values()].map((f) => f.row).filter((r) => !ids.has(conversionKey(r)));
  if (missing.length > 0) {
    for (const [k, id] of await findConversionIdsByKeys(trx, missing)) ids.set(k, id);
  }

  const now = deps.now();
  const changes: ConversionChange[] = [];
  const commissions: Parameters<typeof insertReferralCommissions>[1] = [];
  for (const [key, f] of first) {
    const id = ids.get(key);
    if (id === undefined) {
      // Skipped as a duplicate yet not readable: only a concurrent delete could do this.
      throw new Error(`conversion ${key} was neither inserted nor found`);
    }
    if (!created.has(key)) {
      out[f.index] = { kind: 'duplicate', conversionId: id };
      continue;
    }
    out[f.index] = { kind: 'created', conversionId: id };
    const r = f.resolved;
    changes.push({
      conversionId: id,
      partnerId: r.click.partnerId,
      campaignId: r.click.campaignId,
      type: r.type,
      typeKey: r.typeKey,
      txid: f.row.txid,
      currency: r.currency,
      conversionAt: f.row.created_at,
      click: r.click,
      referrerId: r.referral?.referrerId ?? null,
      before: null,
      after: { status: r.status, payout: r.payout, revenue: r.revenue, referral: r.referral?.amount ?? 0 },
    });
    if (r.referral) {
      commissions.push({
        referrer_id: r.referral.referrerId,
        referred_id: r.click.partnerId,
        conversion_id: id,
        rate_bp: r.referral.rateBp,
        amount: r.referral.amount,
        status: r.status,
        currency: r.currency,
        created_at: now,
        updated_at: now,
      });
    }
  }
  for (const { index, key } of repeats) {
    const id = ids.get(key);
    if (id !== undefined) out[index] = { kind: 'duplicate', conversionId: id };
  }
  await insertReferralCommissions(trx, commissions);
  await applyConversionChanges(trx, changes, now, { ...outboxOf(deps), postbacks });
  return out;
}
