import type { Knex } from 'knex';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import type { LedgerAccount, LedgerReason } from '../../domain/ledger.js';
import { insertRows } from '../insert-rows.js';
import { updateRowsById } from '../update-rows.js';

type Q = Knex | Knex.Transaction;

export interface LedgerEntryRow {
  partner_id: number;
  account: LedgerAccount;
  amount: number;
  currency: string;
  reason: LedgerReason;
  conversion_id: number | null;
  payment_id: number | null;
  created_at: number;
}

export interface ReferralCommissionRow {
  id: number;
  referrer_id: number;
  referred_id: number;
  conversion_id: number;
  rate_bp: number;
  amount: number;
  status: ConversionStatus;
  currency: string;
  created_at: number;
  updated_at: number;
}

const CHUNK = 500;

/** Appends entries; the ledger is never edited, every change is a new signed entry. */
export async function appendLedgerEntries(trx: Q, rows: LedgerEntryRow[]): Promise<void> {
  await insertRows(trx, 'ledger_entries', rows, { chunk: CHUNK });
}

export async function insertReferralCommissions(trx: Q, rows: Omit<ReferralCommissionRow, 'id'>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx('referral_commissions').insert(rows.slice(i, i + CHUNK));
  }
}

function toCommission(r: ReferralCommissionRow): ReferralCommissionRow {
  return {
    ...r,
    id: Number(r.id),
    referrer_id: Number(r.referrer_id),
    referred_id: Number(r.referred_id),
    conversion_id: Number(r.conversion_id),
    rate_bp: Number(r.rate_bp),
    amount: Number(r.amount),
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}

/** Sum of a partner's entries per (account, currency). */
export async function sumLedger(
  q: Q,
  partnerId: number,
): Promise<{ account: LedgerAccount; currency: string; total: number }[]> {
  const rows = await q('ledger_entries')
    .select('account', 'currency')
    .sum({ total: 'amount' })
    .where({ partner_id: partnerId })
    .groupBy('account', 'currency');
  return (rows as Record<string, unknown>[]).map((r) => ({
    account: r['account'] as LedgerAccount,
    currency: String(r['currency']),
    total: Number(r['total'] ?? 0),
  }));
}

export interface NewPaymentRow {
  partner_id: number;
  method_id: number | null;
  amount: number;
  currency: string;
  status: string;
  reference: string;
  period_from: number | null;
  period_to: number | null;
  created_at: number;
  paid_at: number | null;
}

export async function insertPayment(trx: Q, row: NewPaymentRow): Promise<number> {
  const [r] = await trx('payments').insert(row).returning('id');
  return Number(typeof r === 'object' ? (r as { id: number }).id : r);
}

/** Total of a partner's paid payments in one currency. */
export async function sumPaidPayments(q: Q, partnerId: number, currency: string): Promise<number> {
  const r = await q('payments')
    .sum({ total: 'amount' })
    .where({ partner_id: partnerId, currency, status: 'paid' })
    .first();
  return Number(r?.total ?? 0);
}

/** Referral commissions of conversions, by conversion id (one at most each: the column is unique). */
export async function findReferralCommissions(
  trx: Q,
  conversionIds: readonly number[],
): Promise<Map<number, ReferralCommissionRow>> {
  const out = new Map<number, ReferralCommissionRow>();
  const unique = [...new Set(conversionIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    for (const r of await trx('referral_commissions').whereIn('conversion_id', unique.slice(i, i + CHUNK))) {
      out.set(Number(r.conversion_id), toCommission(r));
    }
  }
  return out;
}

/** Sets amount and status of many commissions (one multi-row UPDATE per 500 on PostgreSQL, see update-rows.ts). */
export async function updateReferralCommissions(
  trx: Q,
  rows: readonly { id: number; amount: number; status: ConversionStatus; updated_at: number }[],
): Promise<void> {
  await updateRowsById(
    trx,
    'referral_commissions',
    [
      { name: 'amount', type: 'BIGINT' },
      { name: 'status', type: 'VARCHAR' },
      { name: 'updated_at', type: 'BIGINT' },
    ],
    rows,
  );
}
