import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** A claim older than this is taken for a process that died before posting; the day is tried again. */
export const SUMMARY_CLAIM_STALE_MS = 10 * 60_000;

/**
 * Claims the summary of `day` for this process: true when it is ours to post. The unique day makes two
 * ticks, two workers or a restart land on one row; a claim left by a crashed process expires.
 */
export async function claimSummaryDay(q: Q, day: string, channel: string, now: number): Promise<boolean> {
  const inserted = await q('manager_summaries')
    .insert({ day, channel, state: 'posting', claimed_at: now })
    .onConflict('day')
    .ignore()
    .returning('id');
  if (inserted.length > 0) return true;
  const n = await q('manager_summaries')
    .where({ day, state: 'posting' })
    .andWhere('claimed_at', '<', now - SUMMARY_CLAIM_STALE_MS)
    .update({ claimed_at: now, channel });
  return Number(n) > 0;
}

export async function markSummarySent(q: Q, day: string, ts: string | null, now: number): Promise<void> {
  await q('manager_summaries').where({ day }).update({ state: 'sent', ts, sent_at: now });
}

/** Gives the day back (the post failed for sure), so the job's retry or the next tick may claim it. */
export async function releaseSummaryDay(q: Q, day: string): Promise<void> {
  await q('manager_summaries').where({ day, state: 'posting' }).delete();
}

export async function findSummary(
  q: Q,
  day: string,
): Promise<{ day: string; state: string; ts: string | null } | undefined> {
  const r = await q('manager_summaries').where({ day }).first();
  return r ? { day: String(r.day), state: String(r.state), ts: r.ts == null ? null : String(r.ts) } : undefined;
}
