import { findDigestSubscription, unsubscribeDigest } from '../../db/repositories/digest-subscriptions.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { tokenKey, verifyUnsubscribeToken } from './digest-tokens.js';

const unknown = () =>
  notFound('unknown_token', 'this unsubscribe link is not valid; copy the whole link from the e-mail');

export interface UnsubscribeTarget {
  partnerId: number;
  email: string;
  cadence: string;
}

/** Who a link would unsubscribe (for the confirmation page); a forged or unknown token is a 404. */
export async function describeUnsubscribe(deps: Deps, token: string): Promise<UnsubscribeTarget> {
  const partnerId = verifyUnsubscribeToken(await tokenKey(deps), token);
  if (partnerId === null) throw unknown();
  const partner = await findPartnerById(deps.db, partnerId);
  if (!partner) throw unknown();
  const sub = await findDigestSubscription(deps.db, partnerId);
  return { partnerId, email: sub?.email ?? partner.email, cadence: sub?.cadence ?? 'weekly' };
}

/**
 * One-click unsubscribe (RFC 8058): digests off at once, whatever was set. Idempotent: a second click finds
 * them off already. Digest rows already queued are skipped when their job runs (it re-reads the setting).
 */
export async function unsubscribeByToken(deps: Deps, token: string): Promise<UnsubscribeTarget> {
  const t = await describeUnsubscribe(deps, token);
  await unsubscribeDigest(deps.db, t.partnerId, t.email, deps.now());
  deps.logger.info({ event: 'digest.unsubscribed', partnerId: t.partnerId }, 'partner unsubscribed from digests');
  return { ...t, cadence: 'off' };
}
