import { findDigestSubscription, saveDigestSubscription } from '../../db/repositories/digest-subscriptions.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { confirmTokenMatches, parseConfirmToken, tokenKey } from './digest-tokens.js';

/** A confirmation link works for a week; after that the partner asks again with "digest email ADDRESS". */
export const CONFIRM_TTL_MS = 7 * 86_400_000;

const invalidLink = () =>
  notFound(
    'unknown_token',
    'this confirmation link is not valid or has expired; ask again with "digest email ADDRESS" in the bot',
  );

/**
 * Opens a confirmation link: the pending address becomes the digest address (and a previous "undeliverable"
 * mark goes, since this address just received mail). Opening it again says it is confirmed.
 */
export async function confirmDigestAddress(deps: Deps, token: string): Promise<{ email: string; already: boolean }> {
  const t = parseConfirmToken(token);
  if (!t) throw invalidLink();
  const sub = await findDigestSubscription(deps.db, t.partnerId);
  if (!sub || sub.pendingAt !== t.pendingAt) throw invalidLink();
  const key = await tokenKey(deps);
  if (sub.pendingEmail === null) {
    if (confirmTokenMatches(key, t, sub.email)) return { email: sub.email, already: true };
    throw invalidLink();
  }
  if (!confirmTokenMatches(key, t, sub.pendingEmail) || deps.now() - t.pendingAt > CONFIRM_TTL_MS) throw invalidLink();
  const email = sub.pendingEmail;
  await saveDigestSubscription(
    deps.db,
    { ...sub, email, pendingEmail: null, undeliverableAt: null, undeliverableReason: null },
    deps.now(),
  );
  deps.logger.info({ event: 'digest.address_confirmed', partnerId: t.partnerId }, 'digest address confirmed');
  return { email, already: false };
}
