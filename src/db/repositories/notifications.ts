import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export type NotificationKind =
  | 'conversion'
  | 'postback_failing'
  | 'postback_disabled'
  | 'postback_recovered'
  | 'payment_status'
  | 'digest_undeliverable';
export type NotificationState = 'pending' | 'sent' | 'dead' | 'skipped';

export interface NewNotification {
  partnerId: number;
  kind: NotificationKind;
  payload: Record<string, unknown>;
  /** Set when the same source could be converted twice (two pollers); the second insert is ignored. */
  dedupeKey?: string | null;
  at: number;
}

export interface NotificationRow {
  id: number;
  partnerId: number;
  kind: NotificationKind;
  payload: Record<string, unknown>;
  state: NotificationState;
  attempts: number;
  nextAttemptAt: number;
  sentTo: string[];
  createdAt: number;
}

export interface ChatTarget {
  platform: string;
  chatId: string;
}

export async function insertNotifications(q: Q, rows: NewNotification[]): Promise<void> {
  if (rows.length === 0) return;
  await q('notifications').insert(rows.map(notificationRow)).onConflict('dedupe_key').ignore();
}

/** A notification as its table row (also written by the one-statement conversion batch on PostgreSQL). */
export const notificationRow = (r: NewNotification) => ({
  partner_id: r.partnerId,
  kind: r.kind,
  payload: JSON.stringify(r.payload),
  dedupe_key: r.dedupeKey ?? null,
  state: 'pending',
  next_attempt_at: r.at,
  created_at: r.at,
});

/** Which of these partners have a linked chat (with notify on, when notifyOnly). */
export async function partnersWithChats(q: Q, partnerIds: number[], notifyOnly: boolean): Promise<Set<number>> {
  if (partnerIds.length === 0) return new Set();
  const rows = await q('chat_identities')
    .distinct('partner_id')
    .whereIn('partner_id', partnerIds)
    .modify((b) => {
      if (notifyOnly) b.andWhere('notify', true);
    });
  return new Set(rows.map((r: { partner_id: unknown }) => Number(r.partner_id)));
}

/** The chats of a partner, read at send time (a chat re-linked to someone else is gone from this list). */
export async function listPartnerChats(q: Q, partnerId: number, notifyOnly: boolean): Promise<ChatTarget[]> {
  const rows = await q('chat_identities')
    .select('platform', 'chat_id')
    .where({ partner_id: partnerId })
    .modify((b) => {
      if (notifyOnly) b.andWhere('notify', true);
    })
    .orderBy('id');
  // Two users in one group chat are two identities but one chat: it gets the message once.
  const seen = new Set<string>();
  const out: ChatTarget[] = [];
  for (const r of rows) {
    const t = { platform: String(r.platform), chatId: String(r.chat_id) };
    const key = `${t.platform}:${t.chatId}`;
    if (!seen.has(key)) out.push(t);
    seen.add(key);
  }
  return out;
}

/** Pending rows never handed to the queue, oldest first. */
// lock (PostgreSQL, in a transaction): rows another dispatcher holds are skipped, not waited for or taken twice.
export async function findUndispatchedNotifications(q: Q, now: number, limit: number, lock = false): Promise<number[]> {
  const query = q('notifications')
    .select('id')
    .where({ state: 'pending', queued_at: 0 })
    .andWhere('next_attempt_at', '<=', now)
    .orderBy('id')
    .limit(limit);
  const rows = lock ? await query.forUpdate().skipLocked() : await query;
  return rows.map((r: { id: number }) => Number(r.id));
}

/** Pending rows that should have been sent by `dueBefore` and were not (re)queued since `queuedBefore`. */
export async function findOverdueNotifications(
  q: Q,
  opts: { dueBefore: number; queuedBefore: number; limit: number; lock?: boolean },
): Promise<number[]> {
  const query = q('notifications')
    .select('id')
    .where({ state: 'pending' })
    .andWhere('queued_at', '<', opts.queuedBefore)
    .andWhere('next_attempt_at', '<', opts.dueBefore)
    .orderBy('id')
    .limit(opts.limit);
  const rows = opts.lock ? await query.forUpdate().skipLocked() : await query;
  return rows.map((r: { id: number }) => Number(r.id));
}

export async function markNotificationsQueued(q: Q, ids: number[], now: number): Promise<void> {
  // Stamped with at least 1 so that "queued_at = 0" keeps meaning "never handed over".
  if (ids.length > 0)
    await q('notifications')
      .whereIn('id', ids)
      .update({ queued_at: Math.max(1, now) });
}

export async function findNotification(q: Q, id: number): Promise<NotificationRow | undefined> {
  const r = await q('notifications').where({ id }).first();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    partnerId: Number(r.partner_id),
    kind: String(r.kind) as NotificationKind,
    payload: parseJson(r.payload, {}),
    state: String(r.state) as NotificationState,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    sentTo: parseJson(r.sent_to, []),
    createdAt: Number(r.created_at),
  };
}

/** Progress after each chat, so a retry resumes with the chats still missing. */
export async function saveNotificationSentTo(q: Q, id: number, sentTo: string[]): Promise<void> {
  await q('notifications')
    .where({ id })
    .update({ sent_to: JSON.stringify(sentTo) });
}

export async function finishNotification(q: Q, id: number, state: NotificationState, now: number): Promise<void> {
  await q('notifications')
    .where({ id })
    .update({ state, ...(state === 'sent' ? { sent_at: now } : {}) });
}

export async function recordNotificationFailure(
  q: Q,
  id: number,
  f: { attempts: number; nextAttemptAt: number; error: string; dead: boolean },
): Promise<void> {
  await q('notifications')
    .where({ id })
    .update({
      attempts: f.attempts,
      next_attempt_at: f.nextAttemptAt,
      last_error: f.error.slice(0, 300),
      ...(f.dead ? { state: 'dead' } : {}),
    });
}

export interface ConversionFacts {
  id: number;
  type: string;
  campaignName: string;
  clickId: string;
  refId: string | null;
}

/** What a conversion message names besides the figures of the moment (kept in the payload). */
export async function loadConversionFacts(q: Q, partnerId: number, ids: number[]): Promise<ConversionFacts[]> {
  if (ids.length === 0) return [];
  const rows = await q('conversions as c')
    .join('campaigns as k', 'k.id', 'c.campaign_id')
    .join('clicks as cl', 'cl.id', 'c.click_row_id')
    .select('c.id', 'c.type', 'k.name as campaign_name', 'cl.click_id', 'cl.ref_id')
    // The partner filter is belt and braces: a row names only its own partner's conversions anyway.
    .where('c.partner_id', partnerId)
    .whereIn('c.id', ids);
  return rows.map((r) => ({
    id: Number(r.id),
    type: String(r.type),
    campaignName: String(r.campaign_name),
    clickId: String(r.click_id),
    refId: r.ref_id == null || r.ref_id === '' ? null : String(r.ref_id),
  }));
}

function parseJson<T>(raw: unknown, fallback: T): T {
  try {
    return JSON.parse(String(raw ?? '')) as T;
  } catch {
    // a hand-edited row: render with what is left rather than fail the send
    return fallback;
  }
}
