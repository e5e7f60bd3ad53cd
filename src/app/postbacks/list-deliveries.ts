import {
  findDeliveryRow,
  listAttemptRows,
  listDeliveryRows,
  listTestFireRows,
} from '../../db/repositories/delivery-log.js';
import { AppError } from '../../domain/errors.js';
import { isoTime } from '../admin/admin-input.js';
import { type Deps, readerOf } from '../deps.js';
import { type Actor, parseId } from './postback-input.js';

export interface DeliveryView {
  id: number;
  postback_id: number;
  partner_id: number;
  conversion_id: number;
  event: string;
  status: string;
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error_class: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface AttemptView {
  id: number;
  /** 'delivery', or 'test' for a test fire (sent once on request, never retried, part of no delivery). */
  kind: string;
  at: string;
  url: string;
  method: string;
  status: number | null;
  duration_ms: number;
  error_class: string | null;
  error_message: string | null;
  response_snippet: string;
}

const iso = (v: unknown) => (v == null ? null : isoTime(Number(v)));

function toView(r: Record<string, unknown>): DeliveryView {
  const state = String(r['state']);
  return {
    id: Number(r['id']),
    postback_id: Number(r['postback_id']),
    partner_id: Number(r['partner_id']),
    conversion_id: Number(r['conversion_id']),
    event: String(r['event_key']),
    status: String(r['status']),
    state,
    attempts: Number(r['attempts']),
    next_attempt_at: state === 'pending' ? iso(r['next_attempt_at']) : null,
    last_status: r['last_status'] == null ? null : Number(r['last_status']),
    last_error_class: r['last_error_class'] == null ? null : String(r['last_error_class']),
    last_attempt_at: iso(r['last_attempt_at']),
    delivered_at: iso(r['delivered_at']),
    created_at: isoTime(Number(r['created_at'])),
  };
}

export function toAttemptView(r: Record<string, unknown>): AttemptView {
  return {
    id: Number(r['id']),
    kind: String(r['kind']),
    at: isoTime(Number(r['at'])),
    url: String(r['url']),
    method: String(r['method']),
    status: r['status_code'] == null ? null : Number(r['status_code']),
    duration_ms: Number(r['duration_ms']),
    error_class: r['error_class'] == null ? null : String(r['error_class']),
    error_message: r['error_message'] == null ? null : String(r['error_message']),
    response_snippet: String(r['response_snippet'] ?? ''),
  };
}

const num = (v: unknown, field: string): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  if (!/^\d{1,15}$/.test(s)) throw new AppError('invalid', 'invalid_id', `${field} must be a number like 12`, field);
  return Number(s);
};

/** Newest first; page with before_id = the last id seen. Partners see only their own. */
export async function listDeliveries(
  deps: Deps,
  actor: Actor,
  q: Record<string, unknown> = {},
): Promise<{ items: DeliveryView[]; next_before_id: number | null }> {
  const state = q['state'] === undefined || q['state'] === '' ? undefined : String(q['state']);
  if (state !== undefined && !['pending', 'delivered', 'dead'].includes(state)) {
    throw new AppError('invalid', 'invalid_state', 'state must be pending, delivered or dead', 'state');
  }
  const limit = Math.min(num(q['limit'], 'limit') ?? 50, 500);
  // Read only: on SQLite the read pool's thread, not the writer on the main thread.
  const rows = await listDeliveryRows(
    readerOf(deps),
    {
      partnerId: actor.partnerId ?? num(q['partner_id'], 'partner_id'),
      postbackId: num(q['postback_id'], 'postback_id'),
      conversionId: num(q['conversion_id'], 'conversion_id'),
      state,
    },
    { limit, beforeId: num(q['before_id'], 'before_id') },
  );
  const items = rows.map(toView);
  return { items, next_before_id: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** A test fire as the API lists it: an attempt (kind 'test') and the postback it tried, null for an unsaved URL. */
export interface TestFireView extends AttemptView {
  postback_id: number | null;
  partner_id: number | null;
}

/** Test fires, newest first; page with before_id. Partners see only their own. */
export async function listTestFires(
  deps: Deps,
  actor: Actor,
  q: Record<string, unknown> = {},
): Promise<{ items: TestFireView[]; next_before_id: number | null }> {
  const limit = Math.min(num(q['limit'], 'limit') ?? 50, 500);
  const rows = await listTestFireRows(
    readerOf(deps),
    {
      partnerId: actor.partnerId ?? num(q['partner_id'], 'partner_id'),
      postbackId: num(q['postback_id'], 'postback_id'),
    },
    { limit, beforeId: num(q['before_id'], 'before_id') },
  );
  const items = rows.map((r) => ({
    ...toAttemptView(r),
    postback_id: r['postback_id'] == null ? null : Number(r['postback_id']),
    partner_id: r['partner_id'] == null ? null : Number(r['partner_id']),
  }));
  return { items, next_before_id: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** One delivery with its attempts (newest first): what `trace` and `postback log` show. */
export async function getDelivery(
  deps: Deps,
  actor: Actor,
  id: unknown,
): Promise<DeliveryView & { attempts_log: AttemptView[] }> {
  const did = parseId(id, 'delivery id');
  const row = await findDeliveryRow(readerOf(deps), did);
  if (!row || (actor.partnerId !== null && Number(row['partner_id']) !== actor.partnerId)) {
    throw new AppError(
      'not_found',
      'delivery_not_found',
      `no delivery ${did}; list them with GET /api/v1/deliveries`,
      'id',
    );
  }
  return { ...toView(row), attempts_log: (await listAttemptRows(readerOf(deps), did)).map(toAttemptView) };
}
