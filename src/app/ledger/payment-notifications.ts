import type { Knex } from 'knex';
import { insertNotifications, partnersWithChats } from '../../db/repositories/notifications.js';
import type { CommitSignals } from '../commit-signals.js';

export interface PaymentStatusChange {
  paymentId: number;
  partnerId: number;
  status: string;
  amount: number;
  currency: string;
  at: number;
}

/**
 * Writes the chat message about a payment's new status in the transaction that changes it. A service
 * message: every linked chat gets it, notify or not. Nothing is written for a partner with no chat (the
 * demo seed records hundreds of payments).
 */
export async function queuePaymentNotification(
  trx: Knex.Transaction,
  p: PaymentStatusChange,
  signals?: CommitSignals,
): Promise<void> {
  if (!(await partnersWithChats(trx, [p.partnerId], false)).has(p.partnerId)) return;
  await insertNotifications(trx, [
    {
      partnerId: p.partnerId,
      kind: 'payment_status',
      payload: { payment_id: p.paymentId, status: p.status, amount: p.amount, currency: p.currency },
      dedupeKey: `pay:${p.paymentId}:${p.status}`,
      at: p.at,
    },
  ]);
  signals?.notifications.afterCommit(trx);
}
