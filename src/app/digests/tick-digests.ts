import { listDigestCandidates } from '../../db/repositories/digest-subscriptions.js';
import { insertDigests, type NewDigest } from '../../db/repositories/digests.js';
import { latestDue } from '../../domain/digest-schedule.js';
import { isValidTimezone } from '../../domain/period.js';
import type { Deps } from '../deps.js';
import { targetOf } from './digest-address.js';

/**
 * How late a digest may still go out. The tick runs hourly; a worker that was down for a few hours still
 * sends what fell due meanwhile, but a partner who subscribes on a Thursday does not get a digest of the
 * week before the last.
 */
export const DIGEST_CATCH_UP_MS = 6 * 3_600_000;
const PAGE = 5_000;

export interface TickResult {
  /** Partners whose digest time has come (within the catch-up window). */
  due: number;
  /** New digest rows; the rest already existed (an earlier tick, another worker). */
  created: number;
}

/**
 * The scheduler's tick: for every active partner whose local send time has come, one digest row per
 * (partner, cadence, period), inserted with ON CONFLICT DO NOTHING. Running it twice, or in two workers at
 * once, creates nothing twice. The rows are then enqueued by the caller (id-only jobs).
 */
export async function tickDigests(deps: Deps, now: number = deps.now()): Promise<TickResult> {
  let due = 0;
  let created = 0;
  let after = 0;
  for (;;) {
    const page = await listDigestCandidates(deps.db, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1]?.partnerId ?? after;
    const rows: NewDigest[] = [];
    for (const c of page) {
      const t = targetOf({ email: c.partnerEmail, timezone: c.timezone }, c.sub);
      if (t.cadence === 'off' || t.undeliverable || !isValidTimezone(c.timezone)) continue;
      const d = latestDue({ cadence: t.cadence, hour: t.hour, weekday: t.weekday }, c.timezone, now);
      if (now - d.sendAt > DIGEST_CATCH_UP_MS) continue;
      // A period that ended before the partner joined has nothing to say.
      if (d.period.to <= c.partnerCreatedAt) continue;
      rows.push({
        partnerId: c.partnerId,
        cadence: t.cadence,
        periodStart: d.period.start,
        requestKey: '',
        timezone: c.timezone,
        periodFrom: d.period.from,
        periodTo: d.period.to,
      });
    }
    due += rows.length;
    created += await insertDigests(deps.db, rows, now);
    if (page.length < PAGE) break;
  }
  return { due, created };
}
