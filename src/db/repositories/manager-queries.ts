import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** What managers read about partners and their postbacks (the channel's look-ups; nothing here writes). */

export interface LinkedChat {
  platform: string;
  userId: string;
  chatId: string;
  notify: boolean;
  linkedAt: number;
}

export async function listLinkedChats(q: Q, partnerId: number): Promise<LinkedChat[]> {
  const rows = await q('chat_identities')
    .select('platform', 'user_id', 'chat_id', 'notify', 'linked_at')
    .where({ partner_id: partnerId })
    .orderBy('id');
  return rows.map((r) => ({
    platform: String(r.platform),
    userId: String(r.user_id),
    chatId: String(r.chat_id),
    notify: Boolean(r.notify),
    linkedAt: Number(r.linked_at),
  }));
}

export interface LastAttempt {
  at: number;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  deliveryId: number | null;
  url: string;
  method: string;
  durationMs: number;
  responseSnippet: string;
}

/** The newest delivery attempt of a postback (test fires left out: they say nothing about live traffic). */
export async function findLastAttempt(q: Q, postbackId: number): Promise<LastAttempt | null> {
  const r = await q('postback_attempts')
    .select('at', 'status_code', 'error_class', 'error_message', 'delivery_id', 'url', 'method', 'duration_ms')
    .select('response_snippet')
    .where({ postback_id: postbackId, kind: 'delivery' })
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .first();
  if (!r) return null;
  return {
    at: Number(r.at),
    statusCode: r.status_code == null ? null : Number(r.status_code),
    errorClass: r.error_class == null ? null : String(r.error_class),
    errorMessage: r.error_message == null ? null : String(r.error_message),
    deliveryId: r.delivery_id == null ? null : Number(r.delivery_id),
    url: String(r.url ?? ''),
    method: String(r.method ?? 'GET'),
    durationMs: Number(r.duration_ms ?? 0),
    responseSnippet: String(r.response_snippet ?? ''),
  };
}

export interface DeliveryCounts {
  delivered: number;
  pending: number;
  retrying: number;
  dead: number;
}

const noCounts = (): DeliveryCounts => ({ delivered: 0, pending: 0, retrying: 0, dead: 0 });

/** Deliveries created since `since`, per postback and state, for one partner (index partner_id, created_at). */
export async function countPartnerDeliveries(
  q: Q,
  partnerId: number,
  since: number,
): Promise<Map<number, DeliveryCounts>> {
  const rows = await q('postback_deliveries')
    .select('postback_id', 'state')
    .select(q.raw('count(*) as n'))
    .select(q.raw('sum(case when attempts > 0 then 1 else 0 end) as tried'))
    .where('partner_id', partnerId)
    .andWhere('created_at', '>=', since)
    .groupBy('postback_id', 'state');
  const out = new Map<number, DeliveryCounts>();
  for (const r of rows as Record<string, unknown>[]) {
    const id = Number(r['postback_id']);
    const c = out.get(id) ?? noCounts();
    const n = Number(r['n']);
    if (r['state'] === 'delivered') c.delivered += n;
    else if (r['state'] === 'dead') c.dead += n;
    else {
      c.pending += n;
      c.retrying += Number(r['tried'] ?? 0);
    }
    out.set(id, c);
  }
  return out;
}

export interface FailingCandidate {
  postbackId: number;
  retrying: number;
  deadSince: number;
}

/**
 * Postbacks with deliveries being retried now (pending after a failed attempt) or that went dead since
 * `since`: the candidates for "failing now". Served by the (state, next_attempt_at) index, so it stays cheap
 * however many deliveries succeeded.
 */
export async function findFailingCandidates(q: Q, since: number, limit = 200): Promise<FailingCandidate[]> {
  const retrying = await q('postback_deliveries')
    .select('postback_id')
    .select(q.raw('count(*) as n'))
    .where('state', 'pending')
    .andWhere('attempts', '>', 0)
    .groupBy('postback_id')
    .limit(limit);
  const dead = await q('postback_deliveries')
    .select('postback_id')
    .select(q.raw('count(*) as n'))
    .where('state', 'dead')
    // A dead delivery keeps the next_attempt_at of its last try, so this range rides the (state,
    // next_attempt_at) index instead of reading every dead delivery ever; the hour covers a late last try.
    .andWhere('next_attempt_at', '>=', since - 3_600_000)
    .andWhere('updated_at', '>=', since)
    .groupBy('postback_id')
    .limit(limit);
  const out = new Map<number, FailingCandidate>();
  const get = (id: number) => {
    const c = out.get(id) ?? { postbackId: id, retrying: 0, deadSince: 0 };
    out.set(id, c);
    return c;
  };
  for (const r of retrying as Record<string, unknown>[]) get(Number(r['postback_id'])).retrying = Number(r['n']);
  for (const r of dead as Record<string, unknown>[]) get(Number(r['postback_id'])).deadSince = Number(r['n']);
  return [...out.values()];
}

/** Postbacks the relay disabled (410 Gone) since `since` and nobody re-enabled. */
export async function findRecentlyDisabled(q: Q, since: number): Promise<number[]> {
  const rows = await q('postbacks')
    .select('id')
    .where('enabled', false)
    .whereNull('deleted_at')
    .whereNotNull('disabled_reason')
    .andWhere('updated_at', '>=', since)
    .orderBy('id')
    .limit(200);
  return rows.map((r) => Number(r.id));
}

export interface PostbackOwner {
  postbackId: number;
  partnerId: number;
  partnerName: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  deleted: boolean;
}

export async function findPostbackOwners(q: Q, ids: number[]): Promise<Map<number, PostbackOwner>> {
  if (ids.length === 0) return new Map();
  const rows = await q('postbacks as pb')
    .join('partners as p', 'p.id', 'pb.partner_id')
    .select('pb.id', 'pb.partner_id', 'p.name', 'pb.url', 'pb.enabled', 'pb.disabled_reason', 'pb.deleted_at')
    .whereIn('pb.id', ids);
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        postbackId: Number(r.id),
        partnerId: Number(r.partner_id),
        partnerName: String(r.name),
        url: String(r.url),
        enabled: Boolean(r.enabled),
        disabledReason: r.disabled_reason == null ? null : String(r.disabled_reason),
        deleted: r.deleted_at != null,
      },
    ]),
  );
}
