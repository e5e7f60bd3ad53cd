import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** What the relay tells partners and managers about (the bots turn these into messages). */
export type PartnerEventKind = 'postback_failing' | 'postback_disabled' | 'postback_recovered';

export interface PartnerEvent {
  kind: PartnerEventKind;
  partnerId: number | null;
  postbackId: number | null;
  /** Plain data for the message: endpoint, reason, status ... */
  payload: Record<string, unknown>;
  at: number;
}

export async function insertPartnerEvents(q: Q, events: PartnerEvent[]): Promise<void> {
  if (events.length === 0) return;
  await q('partner_events').insert(
    events.map((e) => ({
      partner_id: e.partnerId,
      postback_id: e.postbackId,
      kind: e.kind,
      payload: JSON.stringify(e.payload),
      created_at: e.at,
    })),
  );
}

export interface StoredPartnerEvent extends PartnerEvent {
  id: number;
  notifiedAt: number | null;
}

/** Events not yet turned into messages, oldest first; the bots mark them with markEventsNotified. */
export async function listUnnotifiedEvents(q: Q, limit = 100): Promise<StoredPartnerEvent[]> {
  const rows = await q('partner_events').whereNull('notified_at').orderBy('id').limit(limit);
  return rows.map(toEvent);
}

export async function markEventsNotified(q: Q, ids: number[], now: number): Promise<void> {
  if (ids.length > 0) await q('partner_events').whereIn('id', ids).update({ notified_at: now });
}

function toEvent(r: Record<string, unknown>): StoredPartnerEvent {
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(String(r['payload'] ?? '{}'));
  } catch {
    // a hand-edited row: show the event without its details rather than fail the list
  }
  return {
    id: Number(r['id']),
    kind: String(r['kind']) as PartnerEventKind,
    partnerId: r['partner_id'] == null ? null : Number(r['partner_id']),
    postbackId: r['postback_id'] == null ? null : Number(r['postback_id']),
    payload,
    at: Number(r['created_at']),
    notifiedAt: r['notified_at'] == null ? null : Number(r['notified_at']),
  };
}
