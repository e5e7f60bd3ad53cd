import { findTrackingExample as findExample } from '../../db/repositories/campaigns.js';
import { countPartners } from '../../db/repositories/partners.js';
import type { Deps } from '../deps.js';

/** No partners yet: a fresh install, where `start` seeds the demo and `seed --demo` may run. */
export async function isDatabaseEmpty(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return (await countPartners(deps.db)) === 0;
}

/** A campaign a partner may promote, for the example tracking link `start` prints; null when none. */
export function findTrackingExample(
  deps: Pick<Deps, 'db'>,
): Promise<{ campaignId: number; partnerId: number; type: string } | null> {
  return findExample(deps.db);
}
