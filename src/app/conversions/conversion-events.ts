import type { Knex } from 'knex';
import { insertDeliveries, type NewDelivery } from '../../db/repositories/deliveries.js';
import { findEnabledRules, type Postback } from '../../db/repositories/postbacks.js';
import type { ConversionMoney } from '../../domain/ledger.js';
import { matchPostbacks } from '../../domain/postback-rules.js';
import type { CommitSignals } from '../commit-signals.js';
import { type ChatOptInCache, queueConversionNotifications } from './conversion-notifications.js';

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
}

/**
 * The partner postback relay's outbox: called inside the transaction that records the change, so the
 * delivery rows commit or roll back with the conversion itself (DESIGN.md: nothing lost between commit and
 * enqueue). One query for the batch's partners' postbacks and one insert, so a batch of hundreds of
 * conversions costs two statements here. Which postback wants which event: domain/postback-rules.ts.
 */
export interface OutboxOptions {
  /** The partners' enabled postbacks when the caller already read them (outside the transaction). */
  postbacks?: Postback[] | undefined;
  /** This process's dispatchers, woken after the commit. */
  signals?: CommitSignals | undefined;
  chatOptIns?: ChatOptInCache | undefined;
  /**
   * One chat message per event instead of one per partner: conversion updates were notified item by item
   * when each item had its own transaction, and partners keep getting the same messages now that a request
   * is one transaction.
   */
  notePerEvent?: boolean | undefined;
}

/** The outbox options of a use case's dependencies. */
export const outboxOf = (deps: {
  signals?: CommitSignals | undefined;
  chatOptIns?: ChatOptInCache | undefined;
}): OutboxOptions => ({ signals: deps.signals, chatOptIns: deps.chatOptIns });

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
  { postbacks, signals }: OutboxOptions,
): Promise<void> {
  const rules = postbacks ?? (await findEnabledRules(trx, [...new Set(events.map((e) => e.partnerId))]));
  const rows = deliveryRows(events, rules);
  if (rows.length === 0) return;
  await insertDeliveries(trx, rows);
  // After commit only: a rollback must not wake anyone, and an early wake-up would find nothing anyway.
  trx.executionPromise.then(
    () => signals?.outbox.notify(),
    () => {},
  );
}

/** The outbox rows for events: one delivery per postback that wants the event (domain/postback-rules.ts). */
export function deliveryRows(events: ConversionEvent[], rules: Postback[]): NewDelivery[] {
  const rows: NewDelivery[] = [];
  if (rules.length === 0) return rows;
  for (const e of events) {
    const matches = matchPostbacks(rules, {
      partnerId: e.partnerId,
      campaignId: e.campaignId,
      typeKey: e.typeKey,
      beforeStatus: e.before?.status ?? null,
      afterStatus: e.after.status,
    });
    for (const m of matches) {
      rows.push({
        postback_id: m.postbackId,
        partner_id: e.partnerId,
        conversion_id: e.conversionId,
        event_key: m.eventKey,
        status: e.after.status,
        payout: e.after.payout,
        next_attempt_at: e.at,
        // Named in every row: in a multi-row insert knex fills a key missing from some rows with NULL, not
        // the column default, which the NOT NULL column refuses.
        queued_at: 0,
        created_at: e.at,
        updated_at: e.at,
      });
    }
  }
  return rows;
}
