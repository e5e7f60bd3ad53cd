import type { ConversionStatus } from './conversion-status.js';

/**
 * The money maths of a conversion, written once for every kind of change: creation, status change,
 * payout change, revenue change. Given the state before (null when the conversion is new) and after, it
 * says which ledger entries to append and what to add to the report rollups. Because both come from the
 * same difference of two states, any sequence of changes leaves the ledger and the reports equal to what
 * the final state alone would give.
 */
export interface ConversionMoney {
  status: ConversionStatus;
  /** Partner payout, minor units. */
  payout: number;
  /** Operator revenue, minor units. */
  revenue: number;
  /** Referrer's commission on this conversion, minor units; 0 when the partner has no referrer. */
  referral: number;
}

export type LedgerAccount = 'available' | 'pending' | 'referral' | 'referral_pending';
export type LedgerReason =
  | 'conversion'
  | 'status_change'
  | 'payout_change'
  | 'revenue_change'
  | 'payment'
  | 'adjustment';

/**
 * One entry to append. `party` says whose ledger: the converting partner or their referrer; referral money
 * is told apart by its account (referral, referral_pending), the reason says what happened.
 */
export interface LedgerLine {
  party: 'partner' | 'referrer';
  account: LedgerAccount;
  amount: number;
  reason: LedgerReason;
}

/** What a conversion adds to the rollup metrics (see the column comments in the core migration). */
export interface ConversionFigures {
  convTotal: number;
  convApproved: number;
  convPending: number;
  convDeclined: number;
  payout: number;
  payoutApproved: number;
  revenue: number;
}

export interface Transition {
  reason: LedgerReason;
  lines: LedgerLine[];
  figures: ConversionFigures;
  /** Nothing differs: no entries, no figures, no event. */
  unchanged: boolean;
}

/** Where a conversion's money sits for each status: approved is spendable, pending waits, declined is gone. */
const PARTNER_ACCOUNT: Record<ConversionStatus, LedgerAccount | null> = {
  approved: 'available',
  pending: 'pending',
  declined: null,
};
const REFERRER_ACCOUNT: Record<ConversionStatus, LedgerAccount | null> = {
  approved: 'referral',
  pending: 'referral_pending',
  declined: null,
};

/** Report figures of one conversion in one state; pending and approved count in totals, declined only apart. */
export function figuresOf(s: ConversionMoney): ConversionFigures {
  const live = s.status !== 'declined';
  return {
    convTotal: live ? 1 : 0,
    convApproved: s.status === 'approved' ? 1 : 0,
    convPending: s.status === 'pending' ? 1 : 0,
    convDeclined: s.status === 'declined' ? 1 : 0,
    payout: live ? s.payout : 0,
    payoutApproved: s.status === 'approved' ? s.payout : 0,
    revenue: live ? s.revenue : 0,
  };
}

const EMPTY: ConversionFigures = {
  convTotal: 0,
  convApproved: 0,
  convPending: 0,
  convDeclined: 0,
  payout: 0,
  payoutApproved: 0,
  revenue: 0,
};

function holdings(
  accounts: Record<ConversionStatus, LedgerAccount | null>,
  s: ConversionMoney | null,
  amount: number,
): Map<LedgerAccount, number> {
  const m = new Map<LedgerAccount, number>();
  const account = s ? accounts[s.status] : null;
  if (account && amount !== 0) m.set(account, amount);
  return m;
}

function diffLines(
  party: LedgerLine['party'],
  before: Map<LedgerAccount, number>,
  after: Map<LedgerAccount, number>,
  reason: LedgerReason,
): LedgerLine[] {
  const lines: LedgerLine[] = [];
  // Take money out of the old account before putting it into the new one, so entries read in order.
  for (const [account, amount] of before) {
    const delta = (after.get(account) ?? 0) - amount;
    if (delta !== 0) lines.push({ party, account, amount: delta, reason });
  }
  for (const [account, amount] of after) {
    if (!before.has(account) && amount !== 0) lines.push({ party, account, amount, reason });
  }
  return lines;
}

export function transition(before: ConversionMoney | null, after: ConversionMoney): Transition {
  const reason: LedgerReason =
    before === null
      ? 'conversion'
      : before.status !== after.status
        ? 'status_change'
        : before.payout !== after.payout || before.referral !== after.referral
          ? 'payout_change'
          : 'revenue_change';
  const lines = [
    ...diffLines(
      'partner',
      holdings(PARTNER_ACCOUNT, before, before?.payout ?? 0),
      holdings(PARTNER_ACCOUNT, after, after.payout),
      reason,
    ),
    ...diffLines(
      'referrer',
      holdings(REFERRER_ACCOUNT, before, before?.referral ?? 0),
      holdings(REFERRER_ACCOUNT, after, after.referral),
      reason,
    ),
  ];
  const was = before ? figuresOf(before) : EMPTY;
  const now = figuresOf(after);
  const figures: ConversionFigures = {
    convTotal: now.convTotal - was.convTotal,
    convApproved: now.convApproved - was.convApproved,
    convPending: now.convPending - was.convPending,
    convDeclined: now.convDeclined - was.convDeclined,
    payout: now.payout - was.payout,
    payoutApproved: now.payoutApproved - was.payoutApproved,
    revenue: now.revenue - was.revenue,
  };
  const unchanged =
    before !== null &&
    before.status === after.status &&
    before.payout === after.payout &&
    before.revenue === after.revenue &&
    before.referral === after.referral;
  return { reason, lines, figures, unchanged };
}

/** True when the figures change nothing in the reports (e.g. a payout change on a declined conversion). */
export function figuresAreZero(f: ConversionFigures): boolean {
  return Object.values(f).every((v) => v === 0);
}
