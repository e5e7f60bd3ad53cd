import { sumLedger, sumPaidPayments } from '../../db/repositories/ledger.js';
import { findPartnerById, type PartnerRow } from '../../db/repositories/partners.js';
import { notFound } from '../../domain/errors.js';
import { type Deps, readerOf } from '../deps.js';

/** Figures of one currency, minor units. */
export interface BalanceFigures {
  currency: string;
  /** Approved payouts minus payments: what can be paid out. */
  available: number;
  /** Payouts of conversions still pending approval. */
  pending: number;
  /** Approved commission from referred partners. */
  referral: number;
  referralPending: number;
}

export interface Balance extends BalanceFigures {
  /** Smallest amount paid out (partner setting), minor units. */
  minPayout: number;
  /** Sum of paid payments in the partner's currency. */
  paid: number;
  /** Figures in other currencies, when the partner ran campaigns not in their own currency (we do not convert). */
  otherCurrencies: BalanceFigures[];
}

const empty = (currency: string): BalanceFigures => ({
  currency,
  available: 0,
  pending: 0,
  referral: 0,
  referralPending: 0,
});

/** A partner's balance, straight from the ledger: each account is the sum of its append-only entries. */
/** `known`: the partner's row when the caller has just read it (a digest), saving the look-up. */
export async function getBalance(deps: Deps, partnerId: number, known?: PartnerRow): Promise<Balance> {
  // Read only, and asked for often (chat, dashboard): the read pool on SQLite.
  const db = readerOf(deps);
  const partner = known?.id === partnerId ? known : await findPartnerById(db, partnerId);
  if (!partner) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  const currency = String(partner.currency);
  const byCurrency = new Map<string, BalanceFigures>([[currency, empty(currency)]]);
  for (const row of await sumLedger(db, partnerId)) {
    let f = byCurrency.get(row.currency);
    if (!f) {
      f = empty(row.currency);
      byCurrency.set(row.currency, f);
    }
    if (row.account === 'available') f.available += row.total;
    else if (row.account === 'pending') f.pending += row.total;
    else if (row.account === 'referral') f.referral += row.total;
    else if (row.account === 'referral_pending') f.referralPending += row.total;
  }
  const own = byCurrency.get(currency) ?? empty(currency);
  byCurrency.delete(currency);
  return {
    ...own,
    minPayout: Number(partner.min_payout),
    paid: await sumPaidPayments(db, partnerId, currency),
    otherCurrencies: [...byCurrency.values()].filter(
      (f) => f.available !== 0 || f.pending !== 0 || f.referral !== 0 || f.referralPending !== 0,
    ),
  };
}
