import {
  type DigestRow,
  findDigestSubscription,
  upsertDigestSubscription,
} from '../db/repositories/account-queries.js';
import { findPartnerById } from '../db/repositories/partners.js';
import { invalid, notFound } from '../domain/errors.js';
import type { Deps } from './deps.js';

export const DIGEST_FREQUENCIES = ['daily', 'weekly', 'off'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export interface DigestSettings extends DigestRow {
  /** False while nothing was ever saved (the defaults are shown). */
  saved: boolean;
}

/** A partner's digest settings; defaults (off, 08:00, the partner's e-mail) until they change them. */
export async function getDigestSettings(deps: Deps, partnerId: number): Promise<DigestSettings> {
  const row = await findDigestSubscription(deps.db, partnerId);
  if (row) return { ...row, saved: true };
  const p = await findPartnerById(deps.db, partnerId);
  if (!p) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  return { email: p.email, frequency: 'off', hour: 8, saved: false };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Changes some digest settings; the rest keep their value. */
export async function setDigestSettings(
  deps: Deps,
  partnerId: number,
  patch: { frequency?: string; hour?: number; email?: string },
): Promise<DigestSettings> {
  const current = await getDigestSettings(deps, partnerId);
  const next: DigestRow = { email: current.email, frequency: current.frequency, hour: current.hour };
  if (patch.frequency !== undefined) {
    const f = patch.frequency.toLowerCase();
    if (!(DIGEST_FREQUENCIES as readonly string[]).includes(f)) {
      throw invalid(
        'invalid_frequency',
        `frequency must be daily, weekly or off, got "${patch.frequency}"`,
        'frequency',
      );
    }
    next.frequency = f;
  }
  if (patch.hour !== undefined) {
    if (!Number.isInteger(patch.hour) || patch.hour < 0 || patch.hour > 23) {
      throw invalid('invalid_hour', `hour must be a whole hour from 0 to 23, got "${patch.hour}"`, 'hour');
    }
    next.hour = patch.hour;
  }
  if (patch.email !== undefined) {
    const e = patch.email.trim();
    if (!EMAIL.test(e) || e.length > 320) {
      throw invalid(
        'invalid_email',
        `email must be an e-mail address like name@example.com, got "${e.slice(0, 80)}"`,
        'email',
      );
    }
    next.email = e;
  }
  await upsertDigestSubscription(deps.db, partnerId, next, deps.now());
  return { ...next, saved: true };
}
