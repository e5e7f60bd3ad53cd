import type { Knex } from 'knex';
import { isSqlite } from '../../db/knex.js';
import { reserveConversionIds, writeConversionBatch } from '../../db/repositories/conversion-batch-statement.js';
import { type ConversionLookup, lookUpConversionBatch } from '../../db/repositories/conversion-lookup-statement.js';
import {
  addPayoutRules,
  type ConversionKey,
  type ConversionRow,
  conversionKey,
  findClicksWithTerms,
  findConversionIdsByKeys,
  insertConversionsSkippingDuplicates,
  type NewConversionRow,
} from '../../db/repositories/conversions.js';
import { insertReferralCommissions } from '../../db/repositories/ledger.js';
import { findEnabledRules, type Postback } from '../../db/repositories/postbacks.js';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { applyConversionChanges, type ConversionChange, planConversionChanges } from './conversion-effects.js';
import { deliveryRows, outboxOf } from './conversion-events.js';
import { conversionNotifications } from './conversion-notifications.js';
import type { ConversionRequest, RecordOutcome, ResolvedConversion } from './record-conversion.js';
import { resolveConversion } from './record-conversion.js';

/**
 * Books a batch of conversion requests atomically and answers each: created, duplicate (with the original
 * id) or error. No savepoints: items are resolved and de-duplicated in memory first. On PostgreSQL the batch
 * is first tried as one statement (bookInOneStatement); on SQLite, or when that meets a duplicate, the new
 * ones are inserted in one transaction with ON CONFLICT DO NOTHING (bookBatch). Item errors never roll back
 * their neighbours; a database failure rolls back the whole batch (the writer then retries items one by one).
 */
export async function recordConversionBatch(deps: Deps, reqs: ConversionRequest[]): Promise<RecordOutcome[]> {
  const looked = await lookUp(deps.db, reqs);
  const batch = resolveBatch(deps, reqs, looked);
  if (looked.ids) {
    const booked = await bookInOneStatement(deps, batch, looked.ids, looked.postbacks);
    if (booked) return booked;
  }
  return deps.db.transaction((trx) => bookBatch(deps, trx, batch, looked.postbacks));
}

/**
 * Everything the batch reads, before its transaction: clicks never change once written, and a campaign,
 * referral or postback edited meanwhile is simply edited a moment later for this batch. So the write
 * transaction holds the database's writer only for its inserts. Duplicates are still settled inside it.
 * On PostgreSQL one statement (lookUpConversionBatch), which also reserves the new conversions' ids for
 * bookInOneStatement. Elsewhere three statements in two round trips whatever the batch size: the clicks with
 * their campaign's currency and their partner's referral terms, then the payout rules and the postbacks side
 * by side. On SQLite these small indexed reads go to the writer connection, not the read pool: there they
 * are synchronous prepared statements of a few microseconds, where a trip to a pool connection on another
 * thread costs more than the reads themselves (measured with the earlier off-thread driver: 7 % of the main
 * thread).
 */
async function lookUp(
  q: Knex,
  reqs: ConversionRequest[],
): Promise<Omit<ConversionLookup, 'ids'> & { ids: number[] | null }> {
  const clickIds = [...new Set(reqs.map((r) => r.clickId))];
  if (!isSqlite(q)) {
    const one = await lookUpConversionBatch(q, clickIds, reqs.length);
    if (one) return one;
  }
  const { clicks, campaigns, partners } = await findClicksWithTerms(q, clickIds);
  const partnerIds = [...new Set([...clicks.values()].map((c) => c.partnerId))];
  const [, postbacks, ids] = await Promise.all([
    addPayoutRules(q, campaigns),
    findEnabledRules(q, partnerIds),
    isSqlite(q) ? null : reserveConversionIds(q, reqs.length),
  ]);
  return { clicks, campaigns, partners, postbacks, ids };
}

interface ResolvedBatch {
  /** Item errors so far; the rest is filled in by whichever way the batch is booked. */
  out: RecordOutcome[];
  /** The first item of each conversion key: the one that may be created. */
  first: Map<string, { index: number; resolved: ResolvedConversion; row: NewConversionRow }>;
  /** Later items with a key already in `first`: answered as its duplicates. */
  repeats: { index: number; key: string }[];
}

function resolveBatch(
  deps: Deps,
  reqs: ConversionRequest[],
  { clicks, campaigns, partners }: Awaited<ReturnType<typeof lookUp>>,
): ResolvedBatch {
  const out: RecordOutcome[] = new Array(reqs.length);
  const first: ResolvedBatch['first'] = new Map();
  const repeats: ResolvedBatch['repeats'] = [];
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
  return { out, first, repeats };
}

type Commission = Parameters<typeof insertReferralCommissions>[1][number];

/** What a created conversion books: its change (ledger, rollups, outbox) and its referral commission. */
function bookingOf(
  f: { resolved: ResolvedConversion; row: NewConversionRow },
  id: number,
  now: number,
  changes: ConversionChange[],
  commissions: Commission[],
): void {
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

/**
 * PostgreSQL's fast way: every conversion of the batch is taken as new, under an id reserved while looking
 * up, and the batch is written as one statement (writeConversionBatch). Null when that statement refused
 * (one of them exists already) or could not be built (too big): nothing was written, and the caller books
 * the batch in a transaction that settles duplicates. The answers, ledger, rollups and outbox rows are the
 * same either way; they are built by the same functions.
 */
async function bookInOneStatement(
  deps: Deps,
  batch: ResolvedBatch,
  ids: number[],
  postbacks: Postback[],
): Promise<RecordOutcome[] | null> {
  if (batch.first.size > ids.length) return null;
  const out = [...batch.out];
  const now = deps.now();
  const changes: ConversionChange[] = [];
  const commissions: Commission[] = [];
  const conversions: ConversionRow[] = [];
  const idOf = new Map<string, number>();
  let next = 0;
  for (const [key, f] of batch.first) {
    const id = ids[next++] as number;
    idOf.set(key, id);
    conversions.push({ id, ...f.row });
    out[f.index] = { kind: 'created', conversionId: id };
    bookingOf(f, id, now, changes, commissions);
  }
  for (const { index, key } of batch.repeats) {
    const id = idOf.get(key);
    if (id !== undefined) out[index] = { kind: 'duplicate', conversionId: id };
  }
  const outbox = outboxOf(deps);
  const { entries, deltas, events } = planConversionChanges(changes, now);
  const notifications = await conversionNotifications(deps.db, events, outbox);
  const deliveries = deliveryRows(events, postbacks);
  const written = await writeConversionBatch(deps.db, {
    conversions,
    commissions,
    ledger: entries,
    deltas,
    notifications,
    deliveries,
  });
  if (written !== 'written') return null;
  if (deliveries.length > 0) outbox.signals?.outbox.notify();
  if (notifications.length > 0) outbox.signals?.notifications.notify();
  return out;
}

/**
 * The careful way, in one transaction: new conversions are inserted with ON CONFLICT DO NOTHING, so a
 * duplicate racing in from another process is skipped (answered with the original id) rather than aborting
 * the batch.
 */
async function bookBatch(
  deps: Deps,
  trx: Knex.Transaction,
  { out, first, repeats }: ResolvedBatch,
  postbacks: Postback[],
): Promise<RecordOutcome[]> {
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
  const commissions: Commission[] = [];
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
    bookingOf(f, id, now, changes, commissions);
  }
  for (const { index, key } of repeats) {
    const id = ids.get(key);
    if (id !== undefined) out[index] = { kind: 'duplicate', conversionId: id };
  }
  await insertReferralCommissions(trx, commissions);
  await applyConversionChanges(trx, changes, now, { ...outboxOf(deps), postbacks });
  return out;
}
