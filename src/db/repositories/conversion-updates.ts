import type { Knex } from 'knex';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import { isSqlite } from '../knex.js';
import { updateRowsById } from '../update-rows.js';
import type { ConversionKey, ConversionRow } from './conversions.js';

/**
 * The statements of a conversion update request (app/conversions/update-conversion-batch.ts): each answers
 * the whole request at once, so a request of a thousand items costs a dozen round trips on PostgreSQL.
 */

type Q = Knex | Knex.Transaction;

/** Rows per statement: far below SQLite's 32766 bound variables and PostgreSQL's 65535. */
const CHUNK = 500;

/**
 * Conversions by id, in id order. With `lock` (PostgreSQL) they stay locked until the transaction ends, taken
 * in id order in one statement, so two requests updating overlapping conversions wait instead of deadlocking.
 */
export async function findConversionsByIds(
  trx: Q,
  ids: readonly number[],
  opts: { lock: boolean },
): Promise<Map<number, ConversionRow>> {
  const out = new Map<number, ConversionRow>();
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  for (let i = 0; i < unique.length; i += CHUNK) {
    let q = trx('conversions')
      .select('*')
      .whereIn('id', unique.slice(i, i + CHUNK))
      .orderBy('id');
    if (opts.lock && !isSqlite(trx)) q = q.forUpdate();
    for (const r of await q) out.set(Number(r.id), toConversion(r));
  }
  return out;
}

function toConversion(r: Record<string, unknown>): ConversionRow {
  return {
    id: Number(r['id']),
    click_row_id: Number(r['click_row_id']),
    partner_id: Number(r['partner_id']),
    campaign_id: Number(r['campaign_id']),
    type: String(r['type']),
    type_key: String(r['type_key']),
    status: r['status'] as ConversionStatus,
    payout: Number(r['payout']),
    revenue: Number(r['revenue']),
    currency: String(r['currency']),
    txid: String(r['txid']),
    created_at: Number(r['created_at']),
    updated_at: Number(r['updated_at']),
  };
}

export interface ConversionMoneyUpdate {
  id: number;
  status: ConversionStatus;
  payout: number;
  revenue: number;
  updated_at: number;
}

/** Sets status and money of many conversions (one multi-row UPDATE per 500 on PostgreSQL, see update-rows.ts). */
export async function updateConversionsMoney(trx: Q, rows: readonly ConversionMoneyUpdate[]): Promise<void> {
  await updateRowsById(
    trx,
    'conversions',
    [
      { name: 'status', type: 'VARCHAR' },
      { name: 'payout', type: 'BIGINT' },
      { name: 'revenue', type: 'BIGINT' },
      { name: 'updated_at', type: 'BIGINT' },
    ],
    rows,
  );
}

/** How many conversions a selector matches, and the first (lowest id) of them. */
export interface SelectorMatch {
  firstId: number;
  count: number;
}

/**
 * Per txid: the first conversion with it and how many there are, in one grouped statement per 500 txids
 * (enough to name the conversion or call the selector ambiguous; a common txid costs a count, not its rows).
 */
export async function matchConversionsByTxids(q: Q, txids: readonly string[]): Promise<Map<string, SelectorMatch>> {
  const out = new Map<string, SelectorMatch>();
  const unique = [...new Set(txids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await q('conversions')
      .select('txid')
      .min({ first_id: 'id' })
      .count({ n: '*' })
      .whereIn('txid', unique.slice(i, i + CHUNK))
      .groupBy('txid');
    for (const r of rows as Record<string, unknown>[]) {
      out.set(String(r['txid']), { firstId: Number(r['first_id']), count: Number(r['n']) });
    }
  }
  return out;
}

/**
 * Conversions of clicks grouped by (click, type, txid): the first id and the count of each group, from
 * which a clickid+type selector with or without txid is answered in memory.
 */
export async function matchConversionsByClicks(
  q: Q,
  clickRowIds: readonly number[],
): Promise<(ConversionKey & SelectorMatch)[]> {
  const out: (ConversionKey & SelectorMatch)[] = [];
  const unique = [...new Set(clickRowIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await q('conversions')
      .select('click_row_id', 'type_key', 'txid')
      .min({ first_id: 'id' })
      .count({ n: '*' })
      .whereIn('click_row_id', unique.slice(i, i + CHUNK))
      .groupBy('click_row_id', 'type_key', 'txid');
    for (const r of rows as Record<string, unknown>[]) {
      out.push({
        click_row_id: Number(r['click_row_id']),
        type_key: String(r['type_key']),
        txid: String(r['txid']),
        firstId: Number(r['first_id']),
        count: Number(r['n']),
      });
    }
  }
  return out;
}
