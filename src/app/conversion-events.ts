import type { Knex } from 'knex';
import {
  type ClickForPostback,
  type ConversionForPostback,
  type DeliveryForSend,
  deliveryKey,
  insertDeliveries,
  type NewDelivery,
} from '../db/repositories/deliveries.js';
import { findEnabledRules, type Postback } from '../db/repositories/postbacks.js';
import type { ConversionMoney } from '../domain/ledger.js';
import { matchPostbacks } from '../domain/postback-rules.js';
import type { CommitSignals } from './commit-signals.js';
import { type ChatOptInCache, queueConversionNotifications } from './conversion-notifications.js';
import type { DeliveryHandoff } from './delivery-handoff.js';

/** Something happened to a conversion that a partner may want to hear about (their postback, a chat note). */
export interface ConversionEvent {
  kind: 'created' | 'updated';
  conversionId: number;
  partnerId: number;
  campaignId: number;
  clickRowId: number;
  type: string;
  typeKey: string;
  txid: string;
  currency: string;
  before: ConversionMoney | null;
  after: ConversionMoney;
  /** Epoch ms of the change. */
  at: number;
  /** The values a postback's macros read, so this process's relay can send without re-reading them. */
  source: { conversion: ConversionForPostback; click: ClickForPostback };
}

/**
 * The partner postback relay's outbox: called inside the transaction that records the change, so the
 * delivery rows commit or roll back with the conversion itself (DESIGN.md: nothing lost between commit and
 * enqueue). One query for the batch's partners' postbacks and one insert, so a batch of hundreds of
 * conversions costs two statements here. Which postback wants which event: domain/postback-rules.ts.
 * When this process runs the relay, the rows are claimed for its fast lane (see delivery-handoff.ts).
 */
export interface OutboxOptions {
  /** This process's relay, if any: it claims and sends the new rows itself. */
  handoff?: DeliveryHandoff | undefined;
  /** The partners' enabled postbacks when the caller already read them (outside the transaction). */
  postbacks?: Postback[] | undefined;
  /** This process's dispatchers, woken after the commit. */
  signals?: CommitSignals | undefined;
  chatOptIns?: ChatOptInCache | undefined;
}

/** The outbox options of a use case's dependencies. */
export const outboxOf = (deps: {
  deliveryHandoff?: DeliveryHandoff | undefined;
  signals?: CommitSignals | undefined;
  chatOptIns?: ChatOptInCache | undefined;
}): OutboxOptions => ({ handoff: deps.deliveryHandoff, signals: deps.signals, chatOptIns: deps.chatOptIns });

export async function onConversionEvents(
  trx: Knex.Transaction,
  events: ConversionEvent[],
  outbox: OutboxOptions = {},
): Promise<void> {
  if (events.length === 0) return;
  // Chat messages for partners who opted in: same transaction, same outbox guarantee as the postbacks.
  await queueConversionNotifications(trx, events, outbox);
  await queueDeliveries(trx, events, outbox);
}

async function queueDeliveries(
  trx: Knex.Transaction,
  events: ConversionEvent[],
  { handoff, postbacks, signals }: OutboxOptions,
): Promise<void> {
  const rules = postbacks ?? (await findEnabledRules(trx, [...new Set(events.map((e) => e.partnerId))]));
  if (rules.length === 0) return;
  const byId = new Map(rules.map((r) => [r.id, r]));
  const rows: { row: NewDelivery; event: ConversionEvent; postback: Postback }[] = [];
  for (const e of events) {
    const matches = matchPostbacks(rules, {
      partnerId: e.partnerId,
      campaignId: e.campaignId,
      typeKey: e.typeKey,
      beforeStatus: e.before?.status ?? null,
      afterStatus: e.after.status,
    });
    for (const m of matches) {
      const postback = byId.get(m.postbackId) as Postback;
      rows.push({
        event: e,
        postback,
        row: {
          postback_id: m.postbackId,
          partner_id: e.partnerId,
          conversion_id: e.conversionId,
          event_key: m.eventKey,
          status: e.after.status,
          payout: e.after.payout,
          next_attempt_at: e.at,
          created_at: e.at,
          updated_at: e.at,
        },
      });
    }
  }
  if (rows.length === 0) return;
  const sink = handoff?.sink ?? null;
  const claimed = sink?.reserve(rows.length) ?? 0;
  // Every row names queued_at: in a multi-row insert (PostgreSQL, and SQLite outside the writer's fast path)
  // knex fills a key missing from some rows with NULL, not the column default, which the NOT NULL column
  // refuses, failing the whole batch.
  rows.forEach((r, i) => {
    r.row.queued_at = i < claimed ? r.event.at : 0;
  });
  let ids: Map<string, number>;
  try {
    ids = await insertDeliveries(
      trx,
      rows.map((r) => r.row),
    );
  } catch (err) {
    sink?.release(claimed);
    throw err;
  }
  const fresh: DeliveryForSend[] = [];
  for (const { row, event, postback: p } of rows.slice(0, claimed)) {
    const id = ids.get(deliveryKey(row.postback_id, row.conversion_id, row.event_key));
    if (id === undefined) continue;
    fresh.push({
      id,
      postbackId: row.postback_id,
      partnerId: row.partner_id,
      conversionId: row.conversion_id,
      eventKey: row.event_key,
      status: row.status,
      payout: row.payout,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: row.next_attempt_at,
      postback: { url: p.url, method: p.method, bodyFormat: p.bodyFormat, bodyTemplate: p.bodyTemplate, enabled: true },
      ...event.source,
    });
  }
  // After commit only: a rollback must not wake anyone, and an early wake-up would find nothing anyway.
  trx.executionPromise.then(
    () => {
      sink?.release(claimed - fresh.length);
      if (fresh.length > 0) sink?.deliver(fresh);
      if (claimed < rows.length) signals?.outbox.notify();
    },
    () => sink?.release(claimed),
  );
}
