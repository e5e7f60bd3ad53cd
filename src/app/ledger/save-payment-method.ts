import {
  findDefaultPaymentMethod,
  type PaymentMethodRow,
  replaceDefaultPaymentMethod,
} from '../../db/repositories/account-queries.js';
import { parseMethodDetails } from '../../domain/payment-method.js';
import type { Deps } from '../deps.js';

/** The method the next payment goes to, or undefined when the partner has none yet. */
export async function getPaymentMethod(deps: Deps, partnerId: number): Promise<PaymentMethodRow | undefined> {
  return findDefaultPaymentMethod(deps.db, partnerId);
}

/** Validates and stores a new default payment method; older methods stay for the payments that used them. */
export async function savePaymentMethod(
  deps: Deps,
  partnerId: number,
  kind: string,
  details: Record<string, unknown>,
): Promise<{ id: number; kind: string; details: Record<string, string> }> {
  const clean = parseMethodDetails(kind, details);
  const id = await replaceDefaultPaymentMethod(deps.db, partnerId, kind, clean, deps.now());
  deps.logger.info({ event: 'payment_method.changed', partnerId, kind }, 'payment method changed');
  return { id, kind, details: clean };
}
