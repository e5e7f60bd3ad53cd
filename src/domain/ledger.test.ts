import { describe, expect, it } from 'vitest';
import type { ConversionStatus } from './conversion-status.js';
import { type ConversionMoney, figuresOf, type LedgerLine, transition } from './ledger.js';

const conv = (over: Partial<ConversionMoney> = {}): ConversionMoney => ({
  status: 'approved',
  payout: 500,
  revenue: 1000,
  referral: 0,
  ...over,
});

const partnerLines = (lines: LedgerLine[]) =>
  lines.filter((l) => l.party === 'partner').map((l) => [l.account, l.amount]);
const referrerLines = (lines: LedgerLine[]) =>
  lines.filter((l) => l.party === 'referrer').map((l) => [l.account, l.amount]);

/** Sum of entries per party/account, as a balance query would see it. */
function balances(lines: LedgerLine[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const k = `${l.party}:${l.account}`;
    out[k] = (out[k] ?? 0) + l.amount;
    if (out[k] === 0) delete out[k];
  }
  return out;
}

describe('transition: ledger entries', () => {
  it('books a new approved conversion as available', () => {
    const t = transition(null, conv());
    expect(t.reason).toBe('conversion');
    expect(partnerLines(t.lines)).toEqual([['available', 500]]);
  });

  it('books a new pending conversion as pending, and nothing for a new declined one', () => {
    expect(partnerLines(transition(null, conv({ status: 'pending' })).lines)).toEqual([['pending', 500]]);
    expect(transition(null, conv({ status: 'declined' })).lines).toEqual([]);
  });

  it('moves money from pending to available on approval', () => {
    const t = transition(conv({ status: 'pending' }), conv({ status: 'approved' }));
    expect(t.reason).toBe('status_change');
    expect(partnerLines(t.lines)).toEqual([
      ['pending', -500],
      ['available', 500],
    ]);
  });

  it('takes approved money back on decline, and gives it back on re-approval', () => {
    expect(partnerLines(transition(conv(), conv({ status: 'declined' })).lines)).toEqual([['available', -500]]);
    expect(partnerLines(transition(conv({ status: 'declined' }), conv()).lines)).toEqual([['available', 500]]);
  });

  it('books only the difference of a payout change', () => {
    const t = transition(conv(), conv({ payout: 800 }));
    expect(t.reason).toBe('payout_change');
    expect(partnerLines(t.lines)).toEqual([['available', 300]]);
    expect(
      partnerLines(transition(conv({ status: 'pending' }), conv({ status: 'pending', payout: 200 })).lines),
    ).toEqual([['pending', -300]]);
  });

  it('moves status and payout together in one change', () => {
    const t = transition(conv({ status: 'pending' }), conv({ status: 'approved', payout: 700 }));
    expect(partnerLines(t.lines)).toEqual([
      ['pending', -500],
      ['available', 700],
    ]);
  });

  it('mirrors the referrer commission in the referral accounts', () => {
    const created = transition(null, conv({ status: 'pending', referral: 25 }));
    expect(referrerLines(created.lines)).toEqual([['referral_pending', 25]]);
    const approved = transition(conv({ status: 'pending', referral: 25 }), conv({ referral: 25 }));
    expect(referrerLines(approved.lines)).toEqual([
      ['referral_pending', -25],
      ['referral', 25],
    ]);
    const declined = transition(conv({ referral: 25 }), conv({ status: 'declined', referral: 25 }));
    expect(referrerLines(declined.lines)).toEqual([['referral', -25]]);
  });

  it('changes nothing for a revenue change of a fixed payout, but reports it', () => {
    const t = transition(conv(), conv({ revenue: 2000 }));
    expect(t.reason).toBe('revenue_change');
    expect(t.lines).toEqual([]);
    expect(t.figures.revenue).toBe(1000);
    expect(t.unchanged).toBe(false);
  });

  it('reports an identical state as unchanged', () => {
    const t = transition(conv(), conv());
    expect(t.unchanged).toBe(true);
    expect(t.lines).toEqual([]);
  });

  it('leaves the ledger equal to the final state whatever the path', () => {
    const statuses: ConversionStatus[] = ['pending', 'approved', 'declined'];
    const path: ConversionMoney[] = [];
    for (let i = 0; i < 30; i++) {
      path.push(
        conv({ status: statuses[(i * 7) % 3] as ConversionStatus, payout: (i * 37) % 900, referral: (i * 11) % 50 }),
      );
    }
    const lines: LedgerLine[] = [];
    let before: ConversionMoney | null = null;
    for (const s of path) {
      lines.push(...transition(before, s).lines);
      before = s;
    }
    const last = path[path.length - 1] as ConversionMoney;
    expect(balances(lines)).toEqual(balances(transition(null, last).lines));
  });
});

describe('transition: report figures', () => {
  it('counts pending and approved in totals and declined apart', () => {
    expect(figuresOf(conv({ status: 'pending' }))).toEqual({
      convTotal: 1,
      convApproved: 0,
      convPending: 1,
      convDeclined: 0,
      payout: 500,
      payoutApproved: 0,
      revenue: 1000,
    });
    expect(figuresOf(conv({ status: 'declined' }))).toMatchObject({
      convTotal: 0,
      convDeclined: 1,
      payout: 0,
      revenue: 0,
    });
  });

  it('moves a conversion between buckets on a status change', () => {
    expect(transition(conv({ status: 'pending' }), conv()).figures).toEqual({
      convTotal: 0,
      convApproved: 1,
      convPending: -1,
      convDeclined: 0,
      payout: 0,
      payoutApproved: 500,
      revenue: 0,
    });
    expect(transition(conv(), conv({ status: 'declined' })).figures).toEqual({
      convTotal: -1,
      convApproved: -1,
      convPending: 0,
      convDeclined: 1,
      payout: -500,
      payoutApproved: -500,
      revenue: -1000,
    });
  });
});
