import { findDigestSubscription } from '../../db/repositories/digest-subscriptions.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import type { DigestCadence } from '../../domain/digest-schedule.js';
import { notFound } from '../../domain/errors.js';
import { type DigestRendererDeps, type RenderedDigest, renderDigest } from '../../mail/digest-renderer.js';
import type { Deps } from '../deps.js';
import { targetOf } from './digest-address.js';
import { tokenKey, unsubscribeToken } from './digest-tokens.js';
import { gatherDigestData } from './gather-digest-data.js';
import { resolveDigestPeriod } from './request-digest.js';

/** A digest exactly as it would be mailed, without sending it or writing a row (CLI preview, the bench). */
export async function previewDigest(
  deps: Deps,
  renderer: DigestRendererDeps,
  partnerId: number,
  opts: { cadence?: DigestCadence | undefined; period?: string | undefined } = {},
): Promise<RenderedDigest> {
  const partner = await findPartnerById(deps.db, partnerId);
  if (!partner) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  const target = targetOf(partner, await findDigestSubscription(deps.db, partnerId));
  const cadence: DigestCadence = opts.cadence ?? (target.cadence === 'off' ? 'weekly' : target.cadence);
  const period = resolveDigestPeriod(cadence, partner.timezone, deps.now(), opts.period);
  const data = await gatherDigestData(deps, partnerId, period);
  const key = await tokenKey(deps);
  return renderDigest(
    renderer,
    data,
    { partnerId, cadence, periodStart: period.start, requestKey: '' },
    {
      to: target.email,
      unsubscribeUrl: `${deps.config.publicUrl}/unsubscribe/${unsubscribeToken(key, partnerId)}`,
      schedule: { cadence, hour: target.hour, weekday: target.weekday },
    },
  );
}
