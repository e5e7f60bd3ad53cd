import type { Knex } from 'knex';
import {
  type ClickForPostback,
  type ConversionForPostback,
  POSTBACK_SOURCE_COLUMNS,
  toPostbackSource,
} from './deliveries.js';

type Q = Knex | Knex.Transaction;

/** What partners and managers read about deliveries: lists, one delivery with its attempts, replays. */
export interface DeliveryFilter {
  partnerId?: number;
  postbackId?: number;
  conversionId?: number;
  state?: string;
  deliveryIds?: number[];
  /** created_at range, half-open [from, to). */
  from?: number;
  to?: number;
}

function applyFilter(query: Knex.QueryBuilder, f: DeliveryFilter): Knex.QueryBuilder {
  if (f.partnerId !== undefined) query.where('d.partner_id', f.partnerId);
  if (f.postbackId !== undefined) query.where('d.postback_id', f.postbackId);
  if (f.conversionId !== undefined) query.where('d.conversion_id', f.conversionId);
  if (f.state !== undefined) query.where('d.state', f.state);
  if (f.deliveryIds !== undefined) query.whereIn('d.id', f.deliveryIds);
  if (f.from !== undefined) query.where('d.created_at', '>=', f.from);
  if (f.to !== undefined) query.where('d.created_at', '<', f.to);
  return query;
}

export async function listDeliveryRows(
  q: Q,
  f: DeliveryFilter,
  page: { limit: number; beforeId?: number },
): Promise<Record<string, unknown>[]> {
  const query = q('postback_deliveries as d').select('d.*').orderBy('d.id', 'desc').limit(page.limit);
  if (page.beforeId !== undefined) query.where('d.id', '<', page.beforeId);
  return applyFilter(query, f);
}

export async function findDeliveryRow(q: Q, id: number): Promise<Record<string, unknown> | undefined> {
  return q('postback_deliveries').where({ id }).first();
}

export async function listAttemptRows(q: Q, deliveryId: number, limit = 100): Promise<Record<string, unknown>[]> {
  return q('postback_attempts').where({ delivery_id: deliveryId }).orderBy('id', 'desc').limit(limit);
}

/** Test fires (attempts of kind 'test', which belong to no delivery), newest first. */
export async function listTestFireRows(
  q: Q,
  f: { partnerId?: number; postbackId?: number },
  page: { limit: number; beforeId?: number },
): Promise<Record<string, unknown>[]> {
  const query = q('postback_attempts').where({ kind: 'test' }).orderBy('id', 'desc').limit(page.limit);
  if (f.partnerId !== undefined) query.where('partner_id', f.partnerId);
  if (f.postbackId !== undefined) query.where('postback_id', f.postbackId);
  if (page.beforeId !== undefined) query.where('id', '<', page.beforeId);
  return query;
}

/**
 * Puts matching deliveries back to pending with a fresh retry schedule (attempts reset to 0; the attempt log
 * keeps the history). Only deliveries of enabled postbacks: re-enable a disabled one first.
 */
export async function replayDeliveryRows(q: Q, f: DeliveryFilter, now: number): Promise<number> {
  const ids = q('postback_deliveries as d')
    .join('postbacks as p', 'p.id', 'd.postback_id')
    .where('p.enabled', true)
    .whereNull('p.deleted_at')
    .select('d.id');
  applyFilter(ids, f);
  const n = await q('postback_deliveries')
    .whereIn('id', ids)
    .update({ state: 'pending', attempts: 0, next_attempt_at: now, queued_at: 0, updated_at: now });
  return Number(n);
}

/** A conversion's macro values for a test fire with a real conversion. */
export interface ConversionForTestFire {
  partnerId: number;
  status: string;
  payout: number;
  conversion: ConversionForPostback;
  click: ClickForPostback;
}

export async function findConversionForPostback(
  q: Q,
  conversionId: number,
): Promise<ConversionForTestFire | undefined> {
  const r: Record<string, unknown> | undefined = await q('conversions as c')
    .join('clicks as k', 'k.id', 'c.click_row_id')
    .where('c.id', conversionId)
    .select('c.partner_id', 'c.status', 'c.payout', ...POSTBACK_SOURCE_COLUMNS)
    .first();
  if (!r) return undefined;
  return {
    partnerId: Number(r['partner_id']),
    status: String(r['status']),
    payout: Number(r['payout']),
    ...toPostbackSource(r),
  };
}
