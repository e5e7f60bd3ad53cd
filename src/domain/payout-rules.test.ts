import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { matchPayoutRule, type PayoutRule, payoutFor, referralCommission, revenueFor } from './payout-rules.js';

const rule = (over: Partial<PayoutRule> = {}): PayoutRule => ({
  id: 1,
  conversionType: 'Lead',
  typeKey: 'lead',
  kind: 'fixed',
  amount: 500,
  percentBp: 0,
  defaultRevenue: 0,
  ...over,
});

const rules = [
  rule({ id: 7, conversionType: 'Deposit', typeKey: 'deposit', amount: 5000 }),
  rule({ id: 3, conversionType: 'Lead', typeKey: 'lead' }),
];

describe('matchPayoutRule', () => {
  it('matches types case-insensitively and returns the canonical spelling', () => {
    expect(matchPayoutRule(rules, 'DEPOSIT').conversionType).toBe('Deposit');
    expect(matchPayoutRule(rules, ' deposit ').conversionType).toBe('Deposit');
  });

  it('uses the payout row with the lowest id when no type is sent', () => {
    expect(matchPayoutRule(rules, undefined).conversionType).toBe('Lead');
    expect(matchPayoutRule(rules, '').conversionType).toBe('Lead');
  });

  it('refuses an unknown type, listing the valid ones', () => {
    try {
      matchPayoutRule(rules, 'sale');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.code).toBe('unknown_conversion_type');
      expect(e.field).toBe('type');
      expect(e.message).toContain('Deposit, Lead');
    }
  });
});

describe('payoutFor', () => {
  it('pays the fixed amount whatever the revenue', () => {
    expect(payoutFor(rule({ amount: 1234 }), 99_999)).toBe(1234);
  });

  it('pays a revshare of the revenue, rounded half up in integers', () => {
    const rs = rule({ kind: 'revshare', percentBp: 3000 });
    expect(payoutFor(rs, 10_000)).toBe(3000);
    expect(payoutFor(rs, 1)).toBe(0); // 0.3 cent
    expect(payoutFor(rs, 5)).toBe(2); // 1.5 cents -> 2
    expect(payoutFor(rs, 9_999_999_999_999)).toBe(3_000_000_000_000); // exact beyond float comfort
  });
});

describe('revenueFor and referralCommission', () => {
  it('falls back to the default revenue only when none was sent', () => {
    expect(revenueFor(rule({ defaultRevenue: 900 }), undefined)).toBe(900);
    expect(revenueFor(rule({ defaultRevenue: 900 }), 0)).toBe(0);
  });

  it('computes the referrer commission in basis points of the payout', () => {
    expect(referralCommission(5000, 500)).toBe(250);
    expect(referralCommission(5000, 0)).toBe(0);
  });
});
