import { listPaymentRows, type PaymentListRow } from '../../db/repositories/account-queries.js';
import { type Deps, readerOf } from '../deps.js';

export const PAYMENTS_PAGE_SIZE = 10;

/** A page of a partner's payments, newest first. `page` starts at 1; out-of-range pages come back empty. */
export async function listPayments(
  deps: Deps,
  partnerId: number,
  page = 1,
): Promise<{ items: PaymentListRow[]; total: number; page: number; pages: number }> {
  const p = Number.isSafeInteger(page) && page > 0 ? page : 1;
  // Read only: on SQLite the read pool's thread, not the writer on the main thread.
  const { rows, total } = await listPaymentRows(
    readerOf(deps),
    partnerId,
    PAYMENTS_PAGE_SIZE,
    (p - 1) * PAYMENTS_PAGE_SIZE,
  );
  return { items: rows, total, page: p, pages: Math.max(1, Math.ceil(total / PAYMENTS_PAGE_SIZE)) };
}
