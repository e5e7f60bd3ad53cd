import { findDefaultPaymentMethod } from '../../db/repositories/account-queries.js';
import { appendLedgerEntries, insertPayment } from '../../db/repositories/ledger.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { invalid, notFound } from '../../domain/errors.js';
import { parseCurrency } from '../../domain/money.js';
import type { Deps } from '../deps.js';
import { queuePaymentNotification } from './payment-notifications.js';

export const PAYMENT_STATUSES = ['requested', 'processing', 'paid', 'failed', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface RecordPaymentInput {
  partnerId: number;
  /** Minor units, > 0. */
  amount: number;
  /** Defaults to the partner's currency. */
  currency?: string;
  status: PaymentStatus;
  /** The payment method it went to; omitted: the partner's default method now (null: none recorded). */
  methodId?: number | null;
  reference?: string;
  periodFrom?: number | null;
  periodTo?: number | null;
  /** Epoch ms; defaults to now. */
  createdAt?: number;
  /** Epoch ms; defaults to createdAt when status is paid. */
  paidAt?: number | null;
}

/**
 * Records a payment to a partner. A paid payment takes its amount out of the available balance with a
 * negative `payment` ledger entry in the same transaction, so balance = approved payouts - payments holds.
 */
export async function recordPayment(deps: Deps, input: RecordPaymentInput): Promise<{ paymentId: number }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw invalid('invalid_amount', 'amount must be a positive whole number of minor units (cents)', 'amount');
  }
  if (!PAYMENT_STATUSES.includes(input.status)) {
    throw invalid('invalid_status', `status must be one of ${PAYMENT_STATUSES.join(', ')}`, 'status');
  }
  return deps.db.transaction(async (trx) => {
    const partner = await findPartnerById(trx, input.partnerId);
    if (!partner) throw notFound('partner_not_found', `no partner with id ${input.partnerId}`, 'partner_id');
    const currency = input.currency ? parseCurrency(input.currency) : String(partner.currency);
    const createdAt = input.createdAt ?? deps.now();
    const paidAt = input.status === 'paid' ? (input.paidAt ?? createdAt) : null;
    // Without a method a payment reads "–" in every list, though the money did go somewhere: to the method
    // the partner had set when it was paid.
    const methodId =
      input.methodId !== undefined
        ? input.methodId
        : ((await findDefaultPaymentMethod(trx, input.partnerId))?.id ?? null);
    const paymentId = await insertPayment(trx, {
      partner_id: input.partnerId,
      method_id: methodId,
      amount: input.amount,
      currency,
      status: input.status,
      reference: input.reference ?? '',
      period_from: input.periodFrom ?? null,
      period_to: input.periodTo ?? null,
      created_at: createdAt,
      paid_at: paidAt,
    });
    if (paidAt !== null) {
      await appendLedgerEntries(trx, [
        {
          partner_id: input.partnerId,
          account: 'available',
          amount: -input.amount,
          currency,
          reason: 'payment',
          conversion_id: null,
          payment_id: paymentId,
          created_at: paidAt,
        },
      ]);
    }
    await queuePaymentNotification(
      trx,
      {
        paymentId,
        partnerId: input.partnerId,
        status: input.status,
        amount: input.amount,
        currency,
        at: deps.now(),
      },
      deps.signals,
    );
    return { paymentId };
  });
}
