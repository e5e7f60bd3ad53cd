import type { Knex } from 'knex';
import { countRows } from '../knex.js';

/** What the account commands of the bots read and write besides the ledger: payments, methods, referrals, digests. */

export interface PaymentListRow {
  id: number;
  amount: number;
  currency: string;
  status: string;
  reference: string;
  createdAt: number;
  paidAt: number | null;
  methodKind: string | null;
}

export async function listPaymentRows(
  db: Knex,
  partnerId: number,
  limit: number,
  offset: number,
): Promise<{ rows: PaymentListRow[]; total: number }> {
  const total = await countRows(db('payments').where({ partner_id: partnerId }));
  const rows = await db('payments as p')
    .leftJoin('payment_methods as m', 'm.id', 'p.method_id')
    .select('p.id', 'p.amount', 'p.currency', 'p.status', 'p.reference', 'p.created_at', 'p.paid_at', 'm.kind')
    .where('p.partner_id', partnerId)
    .orderBy([
      { column: 'p.created_at', order: 'desc' },
      { column: 'p.id', order: 'desc' },
    ])
    .limit(limit)
    .offset(offset);
  return {
    total,
    rows: rows.map((r) => ({
      id: Number(r.id),
      amount: Number(r.amount),
      currency: String(r.currency),
      status: String(r.status),
      reference: String(r.reference ?? ''),
      createdAt: Number(r.created_at),
      paidAt: r.paid_at === null ? null : Number(r.paid_at),
      methodKind: r.kind === null || r.kind === undefined ? null : String(r.kind),
    })),
  };
}

export interface PaymentMethodRow {
  id: number;
  kind: string;
  details: Record<string, string>;
  createdAt: number;
}

export async function findDefaultPaymentMethod(db: Knex, partnerId: number): Promise<PaymentMethodRow | undefined> {
  const r = await db('payment_methods')
    .where({ partner_id: partnerId })
    .orderBy([
      { column: 'is_default', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first();
  if (!r) return undefined;
  let details: Record<string, string> = {};
  try {
    details = JSON.parse(String(r.details)) as Record<string, string>;
  } catch {
    // Old rows with broken JSON still show their kind.
  }
  return { id: Number(r.id), kind: String(r.kind), details, createdAt: Number(r.created_at) };
}

/** Makes a new method the partner's default; earlier ones stay for the payments that used them. */
export async function replaceDefaultPaymentMethod(
  db: Knex,
  partnerId: number,
  kind: string,
  details: Record<string, string>,
  now: number,
): Promise<number> {
  return db.transaction(async (trx) => {
    await trx('payment_methods').where({ partner_id: partnerId }).update({ is_default: false });
    const [r] = await trx('payment_methods')
      .insert({ partner_id: partnerId, kind, details: JSON.stringify(details), is_default: true, created_at: now })
      .returning('id');
    return Number(typeof r === 'object' ? (r as { id: number }).id : r);
  });
}

export async function countReferredPartners(db: Knex, partnerId: number): Promise<number> {
  return countRows(db('partners').where({ referrer_id: partnerId }));
}

export interface CommissionRow {
  referredId: number;
  amount: number;
  currency: string;
  status: string;
  createdAt: number;
}

export async function listRecentCommissions(db: Knex, partnerId: number, limit: number): Promise<CommissionRow[]> {
  const rows = await db('referral_commissions')
    .select('referred_id', 'amount', 'currency', 'status', 'created_at')
    .where({ referrer_id: partnerId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map((r) => ({
    referredId: Number(r.referred_id),
    amount: Number(r.amount),
    currency: String(r.currency),
    status: String(r.status),
    createdAt: Number(r.created_at),
  }));
}

export interface DigestRow {
  email: string;
  frequency: string;
  hour: number;
}

export async function findDigestSubscription(db: Knex, partnerId: number): Promise<DigestRow | undefined> {
  const r = await db('digest_subscriptions').where({ partner_id: partnerId }).first();
  return r ? { email: String(r.email), frequency: String(r.frequency), hour: Number(r.hour) } : undefined;
}

export async function upsertDigestSubscription(
  db: Knex,
  partnerId: number,
  row: DigestRow,
  now: number,
): Promise<void> {
  await db('digest_subscriptions')
    .insert({ partner_id: partnerId, ...row, updated_at: now })
    .onConflict('partner_id')
    .merge(['email', 'frequency', 'hour', 'updated_at']);
}
