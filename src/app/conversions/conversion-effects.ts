import type { Knex } from 'knex';
import type { ClickForConversion } from '../../db/repositories/conversions.js';
import { appendLedgerEntries, type LedgerEntryRow } from '../../db/repositories/ledger.js';
import { applyRollupDeltas, type RollupDelta } from '../../db/rollups.js';
import { type ConversionMoney, figuresAreZero, transition } from '../../domain/ledger.js';
import { type ConversionEvent, type OutboxOptions, onConversionEvents } from './conversion-events.js';

/** One conversion moving from `before` (null: new) to `after`, with what is needed to book it. */
export interface ConversionChange {
  conversionId: number;
  partnerId: number;
  campaignId: number;
  type: string;
  typeKey: string;
  txid: string;
  currency: string;
  /** The conversion's own time: rollup changes land in its hour, whenever the change happens. */
  conversionAt: number;
  click: ClickForConversion;
  referrerId: number | null;
  before: ConversionMoney | null;
  after: ConversionMoney;
}

/**
 * Books changes inside the caller's transaction: ledger entries for partner and referrer, rollup deltas
 * and conversion events, all from the one transition function. Create and update share it, so the ledger
 * and the reports cannot drift apart between the two paths.
 */
export async function applyConversionChanges(
  trx: Knex.Transaction,
  changes: ConversionChange[],
  now: number,
  outbox: OutboxOptions = {},
): Promise<void> {
  const { entries, deltas, events } = planConversionChanges(changes, now);
  await appendLedgerEntries(trx, entries);
  await applyRollupDeltas(trx, deltas);
  await onConversionEvents(trx, events, outbox);
}

/** What booking `changes` writes: ledger entries, rollup deltas and conversion events (the outbox's input). */
export function planConversionChanges(
  changes: ConversionChange[],
  now: number,
): { entries: LedgerEntryRow[]; deltas: RollupDelta[]; events: ConversionEvent[] } {
  const entries: LedgerEntryRow[] = [];
  const deltas: RollupDelta[] = [];
  const events: ConversionEvent[] = [];
  for (const c of changes) {
    const t = transition(c.before, c.after);
    if (t.unchanged) continue;
    for (const line of t.lines) {
      const partnerId = line.party === 'partner' ? c.partnerId : c.referrerId;
      // A referrer line without a referrer cannot happen (referral is 0 then); skip rather than misbook.
      if (partnerId === null) continue;
      entries.push({
        partner_id: partnerId,
        account: line.account,
        amount: line.amount,
        currency: c.currency,
        reason: line.reason,
        conversion_id: c.conversionId,
        payment_id: null,
        created_at: now,
      });
    }
    if (!figuresAreZero(t.figures)) {
      deltas.push({
        at: c.conversionAt,
        partnerId: c.partnerId,
        campaignId: c.campaignId,
        landingId: c.click.landingId,
        country: c.click.country,
        device: c.click.device,
        os: c.click.os,
        typeKey: c.typeKey,
        ...t.figures,
      });
    }
    events.push({
      kind: c.before === null ? 'created' : 'updated',
      conversionId: c.conversionId,
      partnerId: c.partnerId,
      campaignId: c.campaignId,
      clickRowId: c.click.id,
      type: c.type,
      typeKey: c.typeKey,
      txid: c.txid,
      currency: c.currency,
      before: c.before,
      after: c.after,
      at: now,
    });
  }
  return { entries, deltas, events };
}
