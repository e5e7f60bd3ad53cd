import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** A digest_subscriptions row; see migrations 20261124000005_chat and 20261203000010_digests. */
export interface DigestSubscriptionRow {
  partnerId: number;
  /** daily | weekly | monthly | off (column `frequency`). */
  cadence: string;
  hour: number;
  weekday: number;
  /** The confirmed address digests go to. */
  email: string;
  pendingEmail: string | null;
  pendingAt: number | null;
  confirmSentAt: number | null;
  undeliverableAt: number | null;
  undeliverableReason: string | null;
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));

function toRow(r: Record<string, unknown>): DigestSubscriptionRow {
  return {
    partnerId: Number(r['partner_id']),
    cadence: String(r['frequency']),
    hour: Number(r['hour']),
    weekday: Number(r['weekday'] ?? 1),
    email: String(r['email']),
    pendingEmail: r['pending_email'] == null ? null : String(r['pending_email']),
    pendingAt: num(r['pending_at']),
    confirmSentAt: num(r['confirm_sent_at']),
    undeliverableAt: num(r['undeliverable_at']),
    undeliverableReason: r['undeliverable_reason'] == null ? null : String(r['undeliverable_reason']),
  };
}

export async function findDigestSubscription(q: Q, partnerId: number): Promise<DigestSubscriptionRow | undefined> {
  const r = await q('digest_subscriptions').where({ partner_id: partnerId }).first();
  return r ? toRow(r) : undefined;
}

/** Writes the whole row (insert or replace); callers read, change and write back. */
export async function saveDigestSubscription(q: Q, row: DigestSubscriptionRow, now: number): Promise<void> {
  const values = {
    frequency: row.cadence,
    hour: row.hour,
    weekday: row.weekday,
    email: row.email,
    pending_email: row.pendingEmail,
    pending_at: row.pendingAt,
    confirm_sent_at: row.confirmSentAt,
    undeliverable_at: row.undeliverableAt,
    undeliverable_reason: row.undeliverableReason,
    updated_at: now,
  };
  await q('digest_subscriptions')
    .insert({ partner_id: row.partnerId, ...values })
    .onConflict('partner_id')
    .merge(Object.keys(values));
}

/** One-click unsubscribe: cadence off, whatever else is stored; a partner without a row gets one. */
export async function unsubscribeDigest(q: Q, partnerId: number, email: string, now: number): Promise<void> {
  await q('digest_subscriptions')
    .insert({ partner_id: partnerId, email, frequency: 'off', hour: 9, weekday: 1, updated_at: now })
    .onConflict('partner_id')
    .merge({ frequency: 'off', updated_at: now });
}

/** Stops mail to `email` after a permanent refusal, unless the partner has changed address meanwhile. */
export async function markAddressUndeliverable(
  q: Q,
  partnerId: number,
  email: string,
  reason: string,
  now: number,
): Promise<boolean> {
  // A partner on the defaults has no row yet: give them one (the defaults, their address) to mark.
  await q('digest_subscriptions')
    .insert({ partner_id: partnerId, email, frequency: 'weekly', hour: 9, weekday: 1, updated_at: now })
    .onConflict('partner_id')
    .ignore();
  const n = await q('digest_subscriptions')
    .where({ partner_id: partnerId, email })
    .whereNull('undeliverable_at')
    .update({ undeliverable_at: now, undeliverable_reason: reason.slice(0, 300), updated_at: now });
  return n > 0;
}

/** The candidates of a scheduler tick: active partners with their subscription (or none: the defaults). */
export interface DigestCandidate {
  partnerId: number;
  timezone: string;
  partnerEmail: string;
  partnerCreatedAt: number;
  sub: DigestSubscriptionRow | null;
}

export async function listDigestCandidates(q: Q, afterId: number, limit: number): Promise<DigestCandidate[]> {
  const rows = await q('partners as p')
    .leftJoin('digest_subscriptions as s', 's.partner_id', 'p.id')
    .select(
      'p.id as pid',
      'p.timezone as ptz',
      'p.email as pemail',
      'p.created_at as pcreated',
      's.partner_id',
      's.frequency',
      's.hour',
      's.weekday',
      's.email',
      's.pending_email',
      's.pending_at',
      's.confirm_sent_at',
      's.undeliverable_at',
      's.undeliverable_reason',
    )
    .where('p.status', 'active')
    .andWhere('p.id', '>', afterId)
    .orderBy('p.id')
    .limit(limit);
  return rows.map((r: Record<string, unknown>) => ({
    partnerId: Number(r['pid']),
    timezone: String(r['ptz']),
    partnerEmail: String(r['pemail']),
    partnerCreatedAt: Number(r['pcreated']),
    sub: r['partner_id'] == null ? null : toRow(r),
  }));
}

/** Addresses waiting for their confirmation mail. */
export async function findUnsentConfirmations(q: Q, limit: number): Promise<DigestSubscriptionRow[]> {
  const rows = await q('digest_subscriptions')
    .whereNotNull('pending_email')
    .whereNull('confirm_sent_at')
    .orderBy('partner_id')
    .limit(limit);
  return rows.map(toRow);
}

export async function markConfirmationSent(q: Q, partnerId: number, pendingAt: number, now: number): Promise<void> {
  await q('digest_subscriptions')
    .where({ partner_id: partnerId, pending_at: pendingAt })
    .update({ confirm_sent_at: Math.max(1, now) });
}

/** Undeliverable addresses, for `digest list`. */
export async function listUndeliverable(q: Q, limit: number): Promise<DigestSubscriptionRow[]> {
  const rows = await q('digest_subscriptions')
    .whereNotNull('undeliverable_at')
    .orderBy('undeliverable_at', 'desc')
    .limit(limit);
  return rows.map(toRow);
}
