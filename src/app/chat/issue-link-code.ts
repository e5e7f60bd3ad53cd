import { createHash, randomInt } from 'node:crypto';
import { insertLinkCode } from '../../db/repositories/chat-identities.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { AppError, invalid, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/** Crockford base32: no I, L, O or U, so a code read aloud or copied from a screenshot survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_LENGTH = 8;
/** Long enough to pass a code on in a call or an email, short enough that a leaked code soon dies. */
export const LINK_CODE_TTL_MS = 30 * 60_000;

export const hashLinkCode = (code: string): string => createHash('sha256').update(code).digest('hex');

/**
 * What a user typed, as a canonical code: upper case, spaces and dashes dropped, and the letters Crockford
 * reads as digits (O -> 0, I/L -> 1) mapped. Null when it cannot be a code at all.
 */
export function normalizeLinkCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== LINK_CODE_LENGTH) return null;
  for (const c of s) if (!ALPHABET.includes(c)) return null;
  return s;
}

function newCode(): string {
  let s = '';
  // 8 chars of 32 = 40 bits; with 5 guesses per 15 minutes per user that is far out of reach.
  for (let i = 0; i < LINK_CODE_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** A one-time code a manager hands to a partner, who sends `/link CODE` to the bot. */
export async function issueLinkCode(deps: Deps, partnerId: number): Promise<{ code: string; expiresAt: number }> {
  if (!Number.isSafeInteger(partnerId) || partnerId <= 0) {
    throw invalid('invalid_partner_id', `partner id must be a positive whole number, got "${partnerId}"`, 'partner_id');
  }
  const partner = await findPartnerById(deps.db, partnerId);
  if (!partner) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  if (partner.status !== 'active') {
    throw new AppError(
      'conflict',
      'partner_not_active',
      `partner ${partnerId} is ${partner.status}; activate it first (PATCH /api/v1/partners/${partnerId} {"status":"active"})`,
      'partner_id',
    );
  }
  const now = deps.now();
  const code = newCode();
  const expiresAt = now + LINK_CODE_TTL_MS;
  await insertLinkCode(deps.db, {
    code_hash: hashLinkCode(code),
    partner_id: partnerId,
    created_at: now,
    expires_at: expiresAt,
  });
  return { code, expiresAt };
}
