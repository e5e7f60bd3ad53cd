import type { Knex } from 'knex';
import { insertRows } from '../insert-rows.js';

type Q = Knex | Knex.Transaction;

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface NewDelivery {
  postback_id: number;
  partner_id: number;
  conversion_id: number;
  event_key: string;
  status: string;
  payout: number;
  next_attempt_at: number;
  /** Non-zero: claimed at commit by this process's relay, which sends it itself (the dispatcher skips it). */
  queued_at?: number;
  created_at: number;
  updated_at: number;
}

const CHUNK = 200;

/**
 * ON CONFLICT DO NOTHING: a replayed transaction (or a racing process) cannot double an event. Returns the
 * ids of the rows it created, by their unique key (deliveryKey); a row skipped as a duplicate has none.
 */
export async function insertDeliveries(q: Q, rows: NewDelivery[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const created = await insertRows(q, 'postback_deliveries', rows, {
    ignoreConflictOn: ['postback_id', 'conversion_id', 'event_key'],
    returning: ['id', 'postback_id', 'conversion_id', 'event_key'],
    chunk: CHUNK,
  });
  for (const r of created) {
    out.set(deliveryKey(Number(r['postback_id']), Number(r['conversion_id']), String(r['event_key'])), Number(r['id']));
  }
  return out;
}

export const deliveryKey = (postbackId: number, conversionId: number, eventKey: string) =>
  `${postbackId}:${conversionId}:${eventKey}`;

/** Pending rows never handed to BullMQ, oldest first (the dispatcher's page). */
export async function findUndispatched(q: Q, limit: number): Promise<number[]> {
  const rows = await q('postback_deliveries')
    .select('id')
    .where('queued_at', 0)
    .andWhere('state', 'pending')
    .orderBy('id')
    .limit(limit);
  return rows.map((r: { id: number }) => Number(r.id));
}

/**
 * PostgreSQL: the dispatcher's page, row-locked for the caller's transaction and stamped queued_at = now in
 * the same statement (the caller enqueues, then commits; a rollback un-stamps them). SKIP LOCKED lets any
 * number of dispatchers (one per worker process) take disjoint pages at once instead of reading the same
 * rows; the locks are taken in id order, the order every other multi-row update of this table uses, so they
 * cannot deadlock with one. One statement where a locking SELECT and an UPDATE took two. Ids ascending.
 */
export async function claimUndispatchedRows(trx: Knex.Transaction, limit: number, now: number): Promise<number[]> {
  const res = await trx.raw(
    `update postback_deliveries set queued_at = ? where id in (
       select id from postback_deliveries where queued_at = 0 and state = 'pending'
       order by id limit ? for update skip locked)
     returning id`,
    [now, limit],
  );
  return (res.rows as { id: string | number }[]).map((r) => Number(r.id)).sort((x, y) => x - y);
}

export async function markQueued(q: Q, ids: number[], now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await q('postback_deliveries')
      .whereIn('id', ids.slice(i, i + 500))
      .update({ queued_at: now });
  }
}

/** Pending rows due before `dueBefore` that were last enqueued before `queuedBefore`: lost from Redis, maybe. */
export async function findOverdue(
  q: Q,
  opts: { dueBefore: number; queuedBefore: number; limit: number; lock?: boolean },
): Promise<{ id: number; nextAttemptAt: number }[]> {
  const query = q('postback_deliveries')
    .select('id', 'next_attempt_at')
    .where('state', 'pending')
    .andWhere('next_attempt_at', '<', opts.dueBefore)
    .andWhere('queued_at', '<', opts.queuedBefore)
    // queued_at = 0 rows belong to the dispatcher (which holds them back while the queue is full).
    .andWhere('queued_at', '>', 0)
    .orderBy('next_attempt_at')
    .limit(opts.limit);
  // lock (PostgreSQL, in a transaction): rows another reconciler holds are skipped, not waited for.
  const rows = opts.lock ? await query.forUpdate().skipLocked() : await query;
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r['id']),
    nextAttemptAt: Number(r['next_attempt_at']),
  }));
}

/** Everything one attempt needs, in one query for a whole batch of deliveries. */
export interface DeliveryForSend {
  id: number;
  postbackId: number;
  partnerId: number;
  conversionId: number;
  eventKey: string;
  status: string;
  payout: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  postback: {
    url: string;
    method: 'GET' | 'POST';
    bodyFormat: 'none' | 'form' | 'json';
    bodyTemplate: string;
    enabled: boolean;
  };
  conversion: ConversionForPostback;
  click: ClickForPostback;
}

/** The conversion and click values a postback's macros read; shared by deliveries and test fires. */
export interface ConversionForPostback {
  campaignId: number;
  type: string;
  txid: string;
  currency: string;
  createdAt: number;
}

export interface ClickForPostback {
  clickId: string;
  refId: string | null;
  sub: (string | null)[];
  country: string;
}

/** Columns for ConversionForPostback/ClickForPostback, from `conversions as c` joined to `clicks as k`. */
export const POSTBACK_SOURCE_COLUMNS = [
  'c.campaign_id',
  'c.type',
  'c.txid',
  'c.currency',
  'c.created_at as conversion_at',
  'k.click_id',
  'k.ref_id',
  'k.sub1',
  'k.sub2',
  'k.sub3',
  'k.sub4',
  'k.sub5',
  'k.country',
];

export function toPostbackSource(r: Record<string, unknown>): {
  conversion: ConversionForPostback;
  click: ClickForPostback;
} {
  const str = (k: string) => (r[k] == null ? null : String(r[k]));
  return {
    conversion: {
      campaignId: Number(r['campaign_id']),
      type: String(r['type']),
      txid: String(r['txid'] ?? ''),
      currency: String(r['currency']),
      createdAt: Number(r['conversion_at']),
    },
    click: {
      clickId: String(r['click_id']),
      refId: str('ref_id'),
      sub: [str('sub1'), str('sub2'), str('sub3'), str('sub4'), str('sub5')],
      country: String(r['country'] ?? ''),
    },
  };
}

export async function loadDeliveriesForSend(q: Q, ids: number[]): Promise<Map<number, DeliveryForSend>> {
  const out = new Map<number, DeliveryForSend>();
  if (ids.length === 0) return out;
  const rows = await q('postback_deliveries as d')
    .join('postbacks as p', 'p.id', 'd.postback_id')
    .join('conversions as c', 'c.id', 'd.conversion_id')
    .join('clicks as k', 'k.id', 'c.click_row_id')
    .whereIn('d.id', ids)
    .select(
      'd.id',
      'd.postback_id',
      'd.partner_id',
      'd.conversion_id',
      'd.event_key',
      'd.status',
      'd.payout',
      'd.state',
      'd.attempts',
      'd.next_attempt_at',
      'p.url',
      'p.method',
      'p.body_format',
      'p.body_template',
      'p.enabled',
      'p.deleted_at',
      ...POSTBACK_SOURCE_COLUMNS,
    );
  for (const r of rows as Record<string, unknown>[]) {
    out.set(Number(r['id']), {
      id: Number(r['id']),
      postbackId: Number(r['postback_id']),
      partnerId: Number(r['partner_id']),
      conversionId: Number(r['conversion_id']),
      eventKey: String(r['event_key']),
      status: String(r['status']),
      payout: Number(r['payout']),
      state: String(r['state']) as DeliveryState,
      attempts: Number(r['attempts']),
      nextAttemptAt: Number(r['next_attempt_at']),
      postback: {
        url: String(r['url']),
        method: String(r['method']) === 'POST' ? 'POST' : 'GET',
        bodyFormat: String(r['body_format'] ?? 'none') as 'none' | 'form' | 'json',
        bodyTemplate: String(r['body_template'] ?? ''),
        enabled: Boolean(r['enabled']) && r['deleted_at'] == null,
      },
      ...toPostbackSource(r),
    });
  }
  return out;
}

export interface AttemptRow {
  delivery_id: number | null;
  postback_id: number | null;
  partner_id: number | null;
  kind: 'delivery' | 'test';
  at: number;
  url: string;
  method: string;
  status_code: number | null;
  duration_ms: number;
  error_class: string | null;
  error_message: string | null;
  response_snippet: string;
}

export async function insertAttempts(q: Q, rows: AttemptRow[]): Promise<void> {
  await insertRows(q, 'postback_attempts', rows, { chunk: CHUNK });
}

/** A delivery that will not be attempted (its postback was disabled): dead, kept for replay. */
export async function markDeadWithoutAttempt(q: Q, ids: number[], reason: string, now: number): Promise<void> {
  if (ids.length === 0) return;
  await q('postback_deliveries')
    .whereIn('id', ids)
    .where('state', 'pending')
    .update({ state: 'dead', last_error_class: reason, updated_at: now });
}
