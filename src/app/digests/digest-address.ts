import { type DigestSubscriptionRow, findDigestSubscription } from '../../db/repositories/digest-subscriptions.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import type { DigestCadence } from '../../domain/digest-schedule.js';
import type { Deps } from '../deps.js';
import { DIGEST_DEFAULTS } from './digest-settings.js';

/** Where and on what schedule a partner's digests go right now (read at send time, not at tick time). */
export interface DigestTarget {
  email: string;
  cadence: DigestCadence | 'off';
  hour: number;
  weekday: number;
  undeliverable: string | null;
  timezone: string;
}

export function targetOf(
  partner: { email: string; timezone: string },
  sub: DigestSubscriptionRow | null | undefined,
): DigestTarget {
  return {
    email: sub?.email ?? partner.email,
    cadence: (sub?.cadence ?? DIGEST_DEFAULTS.cadence) as DigestTarget['cadence'],
    hour: sub?.hour ?? DIGEST_DEFAULTS.hour,
    weekday: sub?.weekday ?? DIGEST_DEFAULTS.weekday,
    undeliverable: sub?.undeliverableAt ? (sub.undeliverableReason ?? 'refused') : null,
    timezone: partner.timezone,
  };
}

export async function loadDigestTarget(deps: Deps, partnerId: number): Promise<DigestTarget | null> {
  const partner = await findPartnerById(deps.db, partnerId);
  if (partner?.status !== 'active') return null;
  return targetOf(partner, await findDigestSubscription(deps.db, partnerId));
}
