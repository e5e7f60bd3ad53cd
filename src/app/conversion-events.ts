import type { Knex } from 'knex';
import type { ConversionMoney } from '../domain/ledger.js';

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
 * The seam for the partner postback relay: called inside the transaction that records the change, so an
 * outbox row written here commits or rolls back with the conversion itself (DESIGN.md: nothing lost
 * between commit and enqueue). A no-op until the relay exists.
 */
export async function onConversionEvents(_trx: Knex.Transaction, _events: ConversionEvent[]): Promise<void> {}
