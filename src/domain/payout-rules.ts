import { invalid } from './errors.js';
import { shareOf } from './money.js';

/** One row of a campaign's payout table: what the partner earns for one conversion type. */
export interface PayoutRule {
  id: number;
  /** Canonical spelling shown to partners and stored on conversions ("Deposit"). */
  conversionType: string;
  /** Lower-case key incoming types are matched on ("deposit"). */
  typeKey: string;
  kind: 'fixed' | 'revshare';
  /** Fixed payout, minor units. */
  amount: number;
  /** Revshare, basis points of revenue. */
  percentBp: number;
  /** Revenue assumed when the advertiser sends none, minor units. */
  defaultRevenue: number;
}

/** The key a conversion type is matched and de-duplicated on. */
export const typeKeyOf = (type: string): string => type.trim().toLowerCase();

/**
 * Finds the campaign's rule for an incoming type, case-insensitively ("DEPOSIT" finds "Deposit").
 * No type means the campaign's first payout row (lowest id): a single-type campaign needs no `type` at all.
 */
export function matchPayoutRule(rules: readonly PayoutRule[], rawType: string | undefined, field = 'type'): PayoutRule {
  const valid = () => rules.map((r) => r.conversionType).join(', ');
  if (rules.length === 0) {
    throw invalid(
      'campaign_has_no_payouts',
      "the click's campaign has no conversion types configured; add a payout to the campaign first",
      field,
    );
  }
  const key = rawType === undefined ? '' : typeKeyOf(rawType);
  if (key === '') return rules.reduce((a, b) => (b.id < a.id ? b : a));
  const rule = rules.find((r) => r.typeKey === key);
  if (!rule) {
    throw invalid(
      'unknown_conversion_type',
      `${field} "${rawType?.slice(0, 64)}" is not a conversion type of this campaign; use one of: ${valid()}`,
      field,
    );
  }
  return rule;
}

/** Revenue of a conversion: what the advertiser sent, else the rule's default. */
export function revenueFor(rule: PayoutRule, sent: number | undefined): number {
  return sent ?? rule.defaultRevenue;
}

/** The partner's payout by the campaign's rule: a fixed amount, or a revshare of the revenue (rounded half up). */
export function payoutFor(rule: Pick<PayoutRule, 'kind' | 'amount' | 'percentBp'>, revenue: number): number {
  return rule.kind === 'revshare' ? shareOf(revenue, rule.percentBp) : rule.amount;
}

/** The referrer's commission on a referred partner's payout. */
export function referralCommission(payout: number, rateBp: number): number {
  return rateBp > 0 ? shareOf(payout, rateBp) : 0;
}
