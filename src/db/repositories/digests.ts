import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export type DigestState = 'pending' | 'rendering' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface NewDigest {
  partnerId: number;
  cadence: string;
  periodStart: string;
  requestKey: string;
  timezone: string;
  periodFrom: number;
  periodTo: number;
}

export interface DigestRow extends NewDigest {
  id: number;
  state: DigestState;
  attempts: number;
  nextAttemptAt: number;
  queuedAt: number;
  stateAt: number;
  email: string | null;
  messageId: string | null;
  error: string | null;
  resends: number;
  htmlBytes: number | null;
  createdAt: number;
  sentAt: number | null;
}

const opt = (v: unknown): number | null => (v == null ? null : Number(v));

function toRow(r: Record<string, unknown>): DigestRow {
  return {
    id: Number(r['id']),
    partnerId: Number(r['partner_id']),
    cadence: String(r['cadence']),
    periodStart: String(r['period_start']),
    requestKey: String(r['request_key'] ?? ''),
    timezone: String(r['timezone']),
    periodFrom: Number(r['period_from']),
    periodTo: Number(r['period_to']),
    state: String(r['state']) as DigestState,
    attempts: Number(r['attempts']),
    nextAttemptAt: Number(r['next_attempt_at']),
    queuedAt: Number(r['queued_at']),
    stateAt: Number(r['state_at']),
    email: r['email'] == null ? null : String(r['email']),
    messageId: r['message_id'] == null ? null : String(r['message_id']),
    error: r['error'] == null ? null : String(r['error']),
    resends: Number(r['resends'] ?? 0),
    htmlBytes: opt(r['html_bytes']),
    createdAt: Number(r['created_at']),
    sentAt: opt(r['sent_at']),
  };
}

/**
 * One row per (partner, cadence, period, request key); a second insert of the same key is ignored, which is
 * what makes two ticks, two workers or a re-run tick harmless. Returns how many rows were new.
 */
export async function insertDigests(q: Q, rows: NewDigest[], now: number): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const part = rows.slice(i, i + 200);
    const ids = await q('digests')
      .insert(
        part.map((r) => ({
          partner_id: r.partnerId,
          cadence: r.cadence,
          period_start: r.periodStart,
          request_key: r.requestKey,
          timezone: r.timezone,
          period_from: r.periodFrom,
          period_to: r.periodTo,
          state: 'pending',
          next_attempt_at: now,
          state_at: now,
          created_at: now,
        })),
      )
      .onConflict(['partner_id', 'cadence', 'period_start', 'request_key'])
      .ignore()
      // Both engines return only the rows actually inserted (RETURNING with ON CONFLICT DO NOTHING).
      .returning('id');
    inserted += ids.length;
  }
  return inserted;
}

export async function findDigest(q: Q, id: number): Promise<DigestRow | undefined> {
  const r = await q('digests').where({ id }).first();
  return r ? toRow(r) : undefined;
}

export async function findDigestByKey(
  q: Q,
  key: { partnerId: number; cadence: string; periodStart: string; requestKey: string },
): Promise<DigestRow | undefined> {
  const r = await q('digests')
    .where({
      partner_id: key.partnerId,
      cadence: key.cadence,
      period_start: key.periodStart,
      request_key: key.requestKey,
    })
    .first();
  return r ? toRow(r) : undefined;
}

/** Pending rows never handed to BullMQ (fresh from a tick, `digest send` or the CLI). */
export async function findUndispatchedDigests(q: Q, now: number, limit: number): Promise<number[]> {
  const rows = await q('digests')
    .select('id')
    .where({ state: 'pending', queued_at: 0 })
    .andWhere('next_attempt_at', '<=', now)
    .orderBy('id')
    .limit(limit);
  return rows.map((r) => Number(r.id));
}

export async function markDigestsQueued(q: Q, ids: number[], now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await q('digests')
      .whereIn('id', ids.slice(i, i + 500))
      .update({ queued_at: Math.max(1, now) });
  }
}

/**
 * Rows a reconciler should hand to BullMQ again: pending and overdue (a crash between insert and enqueue, a
 * wiped Redis, a job lost), or rendering/sending with an expired lease (the worker holding them died).
 */
export async function findStuckDigests(
  q: Q,
  opts: { queuedBefore: number; leaseBefore: number; limit: number },
): Promise<number[]> {
  const rows = await q('digests')
    .select('id')
    .where((b) =>
      b
        .where({ state: 'pending' })
        .andWhere('queued_at', '>', 0)
        .andWhere('queued_at', '<', opts.queuedBefore)
        .andWhere('next_attempt_at', '<', opts.queuedBefore),
    )
    .orWhere((b) => b.whereIn('state', ['rendering', 'sending']).andWhere('state_at', '<', opts.leaseBefore))
    .orderBy('id')
    .limit(opts.limit);
  return rows.map((r) => Number(r.id));
}

/**
 * Moves a row from one of `from` to `to` if it is still there (and, for a state held by a worker, its lease
 * has expired). The compare-and-set is what keeps two workers from both taking a row: only one update wins.
 */
export async function transitionDigest(
  q: Q,
  id: number,
  from: { state: DigestState; stateAtBefore?: number }[],
  to: DigestState,
  now: number,
  patch: Partial<{
    attempts: number;
    email: string | null;
    message_id: string | null;
    error: string | null;
    next_attempt_at: number;
    queued_at: number;
    resends: number;
    html_bytes: number;
    sent_at: number;
  }> = {},
): Promise<boolean> {
  const n = await q('digests')
    .where({ id })
    .andWhere((b) => {
      for (const f of from) {
        b.orWhere((w) => {
          w.where({ state: f.state });
          if (f.stateAtBefore !== undefined) w.andWhere('state_at', '<', f.stateAtBefore);
        });
      }
    })
    .update({ ...patch, state: to, state_at: now });
  return n > 0;
}

export async function listRecentDigests(q: Q, limit: number): Promise<DigestRow[]> {
  const rows = await q('digests').orderBy('id', 'desc').limit(limit);
  return rows.map(toRow);
}

export async function countDigestsByState(q: Q, since: number): Promise<Record<string, number>> {
  const rows = await q('digests').select('state').count({ n: '*' }).where('created_at', '>=', since).groupBy('state');
  return Object.fromEntries(rows.map((r: Record<string, unknown>) => [String(r['state']), Number(r['n'])]));
}

/** The generated secret `name`, created once; every process reads the same one. */
export async function ensureAppSecret(q: Q, name: string, candidate: string, now: number): Promise<string> {
  await q('app_secrets').insert({ name, value: candidate, created_at: now }).onConflict('name').ignore();
  const r = await q('app_secrets').where({ name }).first();
  return String(r?.value ?? candidate);
}
