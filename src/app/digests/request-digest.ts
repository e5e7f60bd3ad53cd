import { type DigestRow, findDigestByKey, insertDigests } from '../../db/repositories/digests.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import {
  type DigestCadence,
  type DigestPeriod,
  lastWholePeriod,
  periodContaining,
} from '../../domain/digest-schedule.js';
import { AppError, invalid, notFound } from '../../domain/errors.js';
import { type LocalDate, parseDate } from '../../domain/period.js';
import type { Deps } from '../deps.js';
import { getDigestSettings } from './digest-settings.js';

/** Digests asked for by hand (`digest send`, CLI) within this window share one row: a double tap sends one. */
export const REQUEST_WINDOW_MS = 10 * 60_000;

export interface DigestRequest {
  cadence?: DigestCadence | undefined;
  /** Any local date inside the wanted period, 'YYYY-MM-DD'; default the last whole period. */
  period?: string | undefined;
}

/** Which period a preview or a request means. */
export function resolveDigestPeriod(
  cadence: DigestCadence,
  timezone: string,
  now: number,
  period: string | undefined,
): DigestPeriod {
  if (period === undefined) return lastWholePeriod(cadence, timezone, now);
  const d = parseDate(period);
  if (!d)
    throw invalid('invalid_period', `period must be a date like 2026-11-23, got "${period.slice(0, 20)}"`, 'period');
  return periodContaining(cadence, d as LocalDate, timezone);
}

/**
 * One digest now, outside the schedule: a row the digest worker picks up within seconds. Uses the partner's
 * cadence (weekly when digests are off) and the last whole period.
 */
export async function requestDigest(
  deps: Deps,
  partnerId: number,
  req: DigestRequest = {},
): Promise<{ row: DigestRow; created: boolean; email: string }> {
  const partner = await findPartnerById(deps.db, partnerId);
  if (!partner) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  const s = await getDigestSettings(deps, partnerId);
  if (s.undeliverable) {
    throw new AppError(
      'conflict',
      'address_undeliverable',
      `the mail server refused ${s.email} (${s.undeliverable.reason}); set another address with "digest email ADDRESS"`,
      'email',
    );
  }
  const cadence: DigestCadence = req.cadence ?? (s.cadence === 'off' ? 'weekly' : s.cadence);
  const now = deps.now();
  const period = resolveDigestPeriod(cadence, partner.timezone, now, req.period);
  const key = {
    partnerId,
    cadence,
    periodStart: period.start,
    requestKey: `r${Math.floor(now / REQUEST_WINDOW_MS)}`,
  };
  const created =
    (await insertDigests(
      deps.db,
      [{ ...key, timezone: partner.timezone, periodFrom: period.from, periodTo: period.to }],
      now,
    )) > 0;
  const row = await findDigestByKey(deps.db, key);
  if (!row) throw new AppError('unavailable', 'digest_not_saved', 'the digest request was not saved; try again');
  return { row, created, email: s.email };
}
