import { describe, expect, it } from 'vitest';
import { buildRows, type Fact, partnerView, perClick, percent, sumRows } from './report-math.js';

/** Builders: a click fact and a conversion fact, stating only what a test cares about. */
const clicks = (key: string, n: number, cost = 0): Fact => ({
  key,
  typeKey: '',
  clicks: n,
  cost,
  convTotal: 0,
  convApproved: 0,
  convPending: 0,
  convDeclined: 0,
  payout: 0,
  payoutApproved: 0,
  revenue: 0,
});
const conversion = (
  key: string,
  over: Partial<{
    type: string;
    status: 'pending' | 'approved' | 'declined';
    payout: number;
    revenue: number;
    n: number;
  }> = {},
): Fact => {
  const n = over.n ?? 1;
  const status = over.status ?? 'approved';
  const counts = status !== 'declined';
  return {
    key,
    typeKey: over.type ?? 'deposit',
    clicks: 0,
    cost: 0,
    convTotal: counts ? n : 0,
    convApproved: status === 'approved' ? n : 0,
    convPending: status === 'pending' ? n : 0,
    convDeclined: status === 'declined' ? n : 0,
    payout: counts ? (over.payout ?? 5000) : 0,
    payoutApproved: status === 'approved' ? (over.payout ?? 5000) : 0,
    revenue: counts ? (over.revenue ?? 8000) : 0,
  };
};

const names: Record<string, string> = { deposit: 'Deposit', lead: 'Lead' };
const opts = { currency: 'USD', label: (k: string) => `L-${k}`, typeName: (t: string) => names[t] ?? t };

describe('buildRows', () => {
  it('computes CR, EPC, profit and ROI from the stored facts', () => {
    const { rows } = buildRows(
      [
        clicks('DE', 200, 1000),
        conversion('DE', { payout: 5000, revenue: 9000 }),
        conversion('DE', { type: 'lead', status: 'pending', payout: 500, revenue: 700 }),
        conversion('DE', { status: 'declined', payout: 5000 }),
      ],
      opts,
    );
    expect(rows).toHaveLength(1);
    const de = rows[0]!;
    expect(de).toMatchObject({
      key: 'DE',
      label: 'L-DE',
      clicks: 200,
      conversions: 2,
      byType: { Deposit: 1, Lead: 1 },
      approved: 1,
      pending: 1,
      declined: 1,
      cr: 1, // 2 / 200 = 1 %
      epc: '0.2750', // 55.00 / 200
      payout: 5500,
      payoutApproved: 5000,
      revenue: 9700,
      cost: 1000,
      profit: 9700 - 5500 - 1000,
    });
    // roi = profit / (payout + cost) = 3200 / 6500
    expect(de.roi).toBe(49.23);
  });

  it('totals equal the sum of the rows', () => {
    const facts: Fact[] = [];
    const keys = ['US', 'DE', 'FR', 'GB', 'IN'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const key = keys[rnd(keys.length)]!;
      if (rnd(3) === 0) facts.push(clicks(key, 1 + rnd(500), rnd(300)));
      else
        facts.push(
          conversion(key, {
            type: rnd(2) ? 'deposit' : 'lead',
            status: (['pending', 'approved', 'declined'] as const)[rnd(3)],
            payout: rnd(10_000),
            revenue: rnd(20_000),
          }),
        );
    }
    const { rows, totals } = buildRows(facts, opts);
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
    expect(totals.clicks).toBe(sum((r) => r.clicks));
    expect(totals.conversions).toBe(sum((r) => r.conversions));
    expect(totals.approved + totals.pending).toBe(totals.conversions);
    expect(totals.declined).toBe(sum((r) => r.declined));
    expect(totals.payout).toBe(sum((r) => r.payout));
    expect(totals.revenue).toBe(sum((r) => r.revenue ?? 0));
    expect(totals.cost).toBe(sum((r) => r.cost ?? 0));
    expect(totals.profit).toBe(sum((r) => r.profit ?? 0));
    expect(totals.byType['Deposit']).toBe(sum((r) => r.byType['Deposit'] ?? 0));
    // And the totals agree with the raw facts, not just with the rows.
    expect(totals.clicks).toBe(facts.reduce((a, f) => a + f.clicks, 0));
    expect(totals.payout).toBe(facts.reduce((a, f) => a + f.payout, 0));
    expect(totals.cr).toBe(percent(totals.conversions, totals.clicks));
  });

  it('orders by clicks, or by the given time keys with zero rows for empty buckets', () => {
    const facts = [clicks('a', 1), clicks('b', 5), conversion('c')];
    expect(buildRows(facts, opts).rows.map((r) => r.key)).toEqual(['b', 'a', 'c']);
    const timed = buildRows([clicks('2026-11-03', 4)], { ...opts, keys: ['2026-11-01', '2026-11-02', '2026-11-03'] });
    expect(timed.rows.map((r) => [r.key, r.clicks])).toEqual([
      ['2026-11-01', 0],
      ['2026-11-02', 0],
      ['2026-11-03', 4],
    ]);
    expect(timed.rows[0]!.cr).toBeNull();
    expect(timed.rows[0]!.epc).toBeNull();
  });

  it('a report of nothing has zero totals and no rates', () => {
    const { rows, totals } = buildRows([], opts);
    expect(rows).toEqual([]);
    expect(totals).toMatchObject({ clicks: 0, conversions: 0, cr: null, epc: null, roi: null, profit: 0 });
  });
});

describe('rates', () => {
  it('EPC keeps two decimals beyond the currency and rounds half up', () => {
    expect(perClick(1, 3, 'USD')).toBe('0.0033');
    expect(perClick(2, 3, 'USD')).toBe('0.0067');
    expect(perClick(12345, 1, 'USD')).toBe('123.4500');
    expect(perClick(100, 3, 'JPY')).toBe('33.33');
    expect(perClick(5, 0, 'USD')).toBeNull();
  });

  it('ROI is negative when payout and cost exceed revenue', () => {
    const { totals } = buildRows([clicks('x', 10, 3000), conversion('x', { payout: 2000, revenue: 1000 })], opts);
    expect(totals.profit).toBe(-4000);
    expect(totals.roi).toBe(-80);
  });

  it('sumRows of partner views ignores the missing operator figures', () => {
    const { rows } = buildRows([clicks('x', 10, 3000), conversion('x')], opts);
    const view = rows.map(partnerView);
    expect(view[0]).not.toHaveProperty('revenue');
    expect(view[0]).not.toHaveProperty('roi');
    expect(sumRows(view, 'USD').payout).toBe(5000);
  });
});
