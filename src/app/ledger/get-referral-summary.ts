import {
  type CommissionRow,
  countReferredPartners,
  listRecentCommissions,
} from '../../db/repositories/account-queries.js';
import type { Deps } from '../deps.js';

/** What a referrer sees: how many partners they brought and the latest commissions (balances come from getBalance). */
export async function getReferralSummary(
  deps: Deps,
  partnerId: number,
): Promise<{ referredPartners: number; recent: CommissionRow[] }> {
  const [referredPartners, recent] = await Promise.all([
    countReferredPartners(deps.db, partnerId),
    listRecentCommissions(deps.db, partnerId, 5),
  ]);
  return { referredPartners, recent };
}
