import {
  type DigestSubscriptionRow,
  findDigestSubscription,
  saveDigestSubscription,
} from '../../db/repositories/digest-subscriptions.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { invalid, notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

export const DIGEST_FREQUENCIES = ['daily', 'weekly', 'monthly', 'off'] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

/** Defaults for a partner who never changed anything: weekly, Monday, 09:00 local, their own e-mail. */
export const DIGEST_DEFAULTS = { cadence: 'weekly' as DigestFrequency, hour: 9, weekday: 1 };

export interface DigestSettings {
  cadence: DigestFrequency;
  hour: number;
  /** 1 = Monday .. 7 = Sunday (weekly digests). */
  weekday: number;
  /** Where digests go (confirmed). */
  email: string;
  /** Asked for, waiting for its confirmation link to be opened. */
  pendingEmail: string | null;
  /** The mail server refused `email` permanently: no digests until the address changes. */
  undeliverable: { at: number; reason: string } | null;
  /** False while nothing was ever saved (the defaults are shown). */
  saved: boolean;
}

function toSettings(row: DigestSubscriptionRow, saved: boolean): DigestSettings {
  return {
    cadence: (DIGEST_FREQUENCIES as readonly string[]).includes(row.cadence) ? (row.cadence as DigestFrequency) : 'off',
    hour: row.hour,
    weekday: row.weekday,
    email: row.email,
    pendingEmail: row.pendingEmail,
    undeliverable:
      row.undeliverableAt === null ? null : { at: row.undeliverableAt, reason: row.undeliverableReason ?? '' },
    saved,
  };
}

async function currentRow(deps: Deps, partnerId: number): Promise<{ row: DigestSubscriptionRow; saved: boolean }> {
  const row = await findDigestSubscription(deps.db, partnerId);
  if (row) return { row, saved: true };
  const p = await findPartnerById(deps.db, partnerId);
  if (!p) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  return {
    row: {
      partnerId,
      ...DIGEST_DEFAULTS,
      email: p.email,
      pendingEmail: null,
      pendingAt: null,
      confirmSentAt: null,
      undeliverableAt: null,
      undeliverableReason: null,
    },
    saved: false,
  };
}

export async function getDigestSettings(deps: Deps, partnerId: number): Promise<DigestSettings> {
  const { row, saved } = await currentRow(deps, partnerId);
  return toSettings(row, saved);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export interface DigestSettingsPatch {
  cadence?: string | undefined;
  /** Old name of cadence, still accepted. */
  frequency?: string | undefined;
  hour?: number | undefined;
  weekday?: number | undefined;
  email?: string | undefined;
}

/**
 * Changes some digest settings; the rest keep their value. A new address is not used at once: it is kept as
 * pending, the digest worker mails it a confirmation link, and digests go there only once it is opened (so
 * nobody can point digests at someone else's inbox). The partner's own e-mail on file needs no confirmation.
 */
export async function setDigestSettings(
  deps: Deps,
  partnerId: number,
  patch: DigestSettingsPatch,
): Promise<DigestSettings> {
  const { row } = await currentRow(deps, partnerId);
  const next: DigestSubscriptionRow = { ...row };
  const cadence = patch.cadence ?? patch.frequency;
  if (cadence !== undefined) {
    const f = cadence.toLowerCase();
    if (!(DIGEST_FREQUENCIES as readonly string[]).includes(f)) {
      throw invalid(
        'invalid_frequency',
        `frequency must be daily, weekly, monthly or off, got "${cadence.slice(0, 20)}"`,
        'frequency',
      );
    }
    next.cadence = f;
  }
  if (patch.hour !== undefined) {
    if (!Number.isInteger(patch.hour) || patch.hour < 0 || patch.hour > 23) {
      throw invalid('invalid_hour', `hour must be a whole hour from 0 to 23, got "${patch.hour}"`, 'hour');
    }
    next.hour = patch.hour;
  }
  if (patch.weekday !== undefined) {
    if (!Number.isInteger(patch.weekday) || patch.weekday < 1 || patch.weekday > 7) {
      throw invalid('invalid_weekday', `weekday must be 1 (Monday) to 7 (Sunday), got "${patch.weekday}"`, 'weekday');
    }
    next.weekday = patch.weekday;
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
    const partner = await findPartnerById(deps.db, partnerId);
    const same = (a: string | undefined | null) => (a ?? '').toLowerCase() === e.toLowerCase();
    if (same(next.email) && next.undeliverableAt === null) {
      next.pendingEmail = null;
      next.pendingAt = null;
    } else if (same(partner?.email)) {
      // The address on file is the partner's own: no confirmation, and a fresh start if it bounced before.
      Object.assign(next, { email: e, pendingEmail: null, pendingAt: null, undeliverableAt: null });
      next.undeliverableReason = null;
    } else {
      Object.assign(next, { pendingEmail: e, pendingAt: deps.now(), confirmSentAt: null });
    }
  }
  await saveDigestSubscription(deps.db, next, deps.now());
  return toSettings(next, true);
}
