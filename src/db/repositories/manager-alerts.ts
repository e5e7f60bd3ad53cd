import type { Knex } from 'knex';
import { isSqlite } from '../knex.js';

type Q = Knex | Knex.Transaction;

/** What a manager alert says happened to a postback. Ordered: a later kind in an incident is news, an earlier one is not. */
export type AlertKind = 'failing' | 'paused' | 'disabled' | 'recovered';
export type AlertState = 'pending' | 'posting' | 'sent' | 'dead' | 'skipped';

export interface ManagerEvent {
  id: number;
  kind: string;
  partnerId: number | null;
  postbackId: number | null;
  payload: Record<string, unknown>;
  at: number;
}

/**
 * Relay events the manager side has not looked at, oldest first. One converter at a time: on PostgreSQL a
 * transaction-scoped advisory lock (a second process finds it taken and skips this pass), on SQLite the
 * single writer. So events of one postback are always judged in order, never by two processes at once.
 */
export async function claimUnseenEvents(trx: Knex.Transaction, limit: number): Promise<ManagerEvent[]> {
  if (!isSqlite(trx)) {
    const got = await trx.raw(`select pg_try_advisory_xact_lock(hashtext('partnerdesk.manager_alerts')) as ok`);
    if (!got.rows?.[0]?.ok) return [];
  }
  const rows: Record<string, unknown>[] = await trx('partner_events')
    .whereNull('manager_seen_at')
    .orderBy('id')
    .limit(limit);
  return rows.map((r) => ({
    id: Number(r['id']),
    kind: String(r['kind']),
    partnerId: r['partner_id'] == null ? null : Number(r['partner_id']),
    postbackId: r['postback_id'] == null ? null : Number(r['postback_id']),
    payload: parseJson(r['payload'], {}),
    at: Number(r['created_at']),
  }));
}

/** Cheap check before opening a transaction: most polls find nothing new. */
export async function hasUnseenEvents(q: Q): Promise<boolean> {
  return (await q('partner_events').select('id').whereNull('manager_seen_at').first()) !== undefined;
}

export async function markEventsSeen(q: Q, ids: number[], now: number): Promise<void> {
  if (ids.length > 0) await q('partner_events').whereIn('id', ids).update({ manager_seen_at: now });
}

export interface Incident {
  id: number;
  postbackId: number;
  partnerId: number | null;
  endpoint: string;
  state: 'open' | 'closed';
  lastKind: AlertKind;
  openedAt: number;
  closedAt: number | null;
  channel: string | null;
  threadTs: string | null;
}

const toIncident = (r: Record<string, unknown>): Incident => ({
  id: Number(r['id']),
  postbackId: Number(r['postback_id']),
  partnerId: r['partner_id'] == null ? null : Number(r['partner_id']),
  endpoint: String(r['endpoint'] ?? ''),
  state: r['state'] === 'closed' ? 'closed' : 'open',
  lastKind: String(r['last_kind']) as AlertKind,
  openedAt: Number(r['opened_at']),
  closedAt: r['closed_at'] == null ? null : Number(r['closed_at']),
  channel: r['channel'] == null ? null : String(r['channel']),
  threadTs: r['thread_ts'] == null ? null : String(r['thread_ts']),
});

const openKey = (postbackId: number) => `pb:${postbackId}`;

export async function findOpenIncident(q: Q, postbackId: number): Promise<Incident | null> {
  const r = await q('manager_incidents')
    .where({ open_key: openKey(postbackId) })
    .first();
  return r ? toIncident(r) : null;
}

export async function findIncident(q: Q, id: number): Promise<Incident | null> {
  const r = await q('manager_incidents').where({ id }).first();
  return r ? toIncident(r) : null;
}

export async function listOpenIncidents(q: Q): Promise<Incident[]> {
  const rows = await q('manager_incidents').where({ state: 'open' }).orderBy('id').limit(200);
  return rows.map(toIncident);
}

/** Opens an incident for a postback; when one is already open (another process won), returns that one. */
export async function openIncident(
  q: Q,
  i: { postbackId: number; partnerId: number | null; endpoint: string; kind: AlertKind; at: number },
): Promise<{ incident: Incident; created: boolean }> {
  const inserted = await q('manager_incidents')
    .insert({
      postback_id: i.postbackId,
      partner_id: i.partnerId,
      endpoint: i.endpoint.slice(0, 300),
      open_key: openKey(i.postbackId),
      state: 'open',
      last_kind: i.kind,
      opened_at: i.at,
    })
    .onConflict('open_key')
    .ignore()
    .returning('id');
  const incident = await findOpenIncident(q, i.postbackId);
  if (!incident) throw new Error(`incident for postback ${i.postbackId} vanished while opening`);
  return { incident, created: inserted.length > 0 };
}

export async function updateIncidentKind(q: Q, id: number, kind: AlertKind, closeAt: number | null): Promise<void> {
  await q('manager_incidents')
    .where({ id })
    .update({
      last_kind: kind,
      ...(closeAt === null ? {} : { state: 'closed', closed_at: closeAt, open_key: null }),
    });
}

export async function saveIncidentThread(q: Q, id: number, channel: string, ts: string): Promise<void> {
  await q('manager_incidents').where({ id }).whereNull('thread_ts').update({ channel, thread_ts: ts });
}

export interface NewAlert {
  incidentId: number;
  kind: AlertKind;
  payload: Record<string, unknown>;
  dedupeKey: string;
  root: boolean;
  /** Muted postbacks still get their incident tracked, but nothing is posted. */
  skipped: boolean;
  at: number;
}

export async function insertAlerts(q: Q, rows: NewAlert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const out = await q('manager_alerts')
    .insert(
      rows.map((r) => ({
        incident_id: r.incidentId,
        kind: r.kind,
        payload: JSON.stringify(r.payload),
        dedupe_key: r.dedupeKey,
        root: r.root,
        state: r.skipped ? 'skipped' : 'pending',
        next_attempt_at: r.at,
        created_at: r.at,
      })),
    )
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return out.length;
}

export interface AlertRow {
  id: number;
  incidentId: number;
  kind: AlertKind;
  payload: Record<string, unknown>;
  root: boolean;
  state: AlertState;
  attempts: number;
  nextAttemptAt: number;
  ts: string | null;
  createdAt: number;
}

const toAlert = (r: Record<string, unknown>): AlertRow => ({
  id: Number(r['id']),
  incidentId: Number(r['incident_id']),
  kind: String(r['kind']) as AlertKind,
  payload: parseJson(r['payload'], {}),
  root: Boolean(r['root']),
  state: String(r['state']) as AlertState,
  attempts: Number(r['attempts']),
  nextAttemptAt: Number(r['next_attempt_at']),
  ts: r['ts'] == null ? null : String(r['ts']),
  createdAt: Number(r['created_at']),
});

export async function findAlert(q: Q, id: number): Promise<AlertRow | null> {
  const r = await q('manager_alerts').where({ id }).first();
  return r ? toAlert(r) : null;
}

export async function findRootAlert(q: Q, incidentId: number): Promise<AlertRow | null> {
  const r = await q('manager_alerts').where({ incident_id: incidentId, root: true }).first();
  return r ? toAlert(r) : null;
}

export async function listIncidentAlerts(q: Q, incidentId: number): Promise<AlertRow[]> {
  return (await q('manager_alerts').where({ incident_id: incidentId }).orderBy('id')).map(toAlert);
}

export async function findUndispatchedAlerts(q: Q, now: number, limit: number): Promise<number[]> {
  const rows = await q('manager_alerts')
    .select('id')
    .where({ state: 'pending', queued_at: 0 })
    .andWhere('next_attempt_at', '<=', now)
    .orderBy('id')
    .limit(limit);
  return rows.map((r) => Number(r.id));
}

export async function findOverdueAlerts(q: Q, before: number, limit: number): Promise<number[]> {
  const rows = await q('manager_alerts')
    .select('id')
    .where({ state: 'pending' })
    .andWhere('queued_at', '<', before)
    .andWhere('next_attempt_at', '<', before)
    .orderBy('id')
    .limit(limit);
  return rows.map((r) => Number(r.id));
}

export async function markAlertsQueued(q: Q, ids: number[], now: number): Promise<void> {
  if (ids.length > 0)
    await q('manager_alerts')
      .whereIn('id', ids)
      .update({ queued_at: Math.max(1, now) });
}

/**
 * Takes a pending alert to post it: true for exactly one caller, so two workers running the same job (a
 * stalled job re-run while the first still works) never both post it.
 */
export async function claimAlert(q: Q, id: number, now: number): Promise<boolean> {
  const n = await q('manager_alerts').where({ id, state: 'pending' }).update({ state: 'posting', claimed_at: now });
  return Number(n) > 0;
}

/** Gives a claimed alert back untouched (Slack said 429: nothing was posted). */
export async function releaseAlert(q: Q, id: number): Promise<void> {
  await q('manager_alerts').where({ id, state: 'posting' }).update({ state: 'pending' });
}

/**
 * Claims older than `before` belong to a worker that died between taking the alert and saving the answer:
 * they go back to pending and are posted again (the one case that can repeat a message, rather than lose it).
 */
export async function releaseStaleClaims(q: Q, before: number): Promise<number> {
  const n = await q('manager_alerts')
    .where({ state: 'posting' })
    .andWhere('claimed_at', '<', before)
    .update({ state: 'pending', queued_at: 0 });
  return Number(n);
}

export async function finishAlert(q: Q, id: number, ts: string | null, now: number): Promise<boolean> {
  const n = await q('manager_alerts').where({ id, state: 'posting' }).update({ state: 'sent', ts, sent_at: now });
  return Number(n) > 0;
}

export async function recordAlertFailure(
  q: Q,
  id: number,
  f: { attempts: number; nextAttemptAt: number; error: string; dead: boolean },
): Promise<void> {
  await q('manager_alerts')
    .where({ id })
    .update({
      attempts: f.attempts,
      next_attempt_at: f.nextAttemptAt,
      last_error: f.error.slice(0, 300),
      state: f.dead ? 'dead' : 'pending',
    });
}

export async function setMute(q: Q, postbackId: number, until: number, by: string): Promise<void> {
  await q('manager_mutes')
    .insert({ postback_id: postbackId, muted_until: until, muted_by: by.slice(0, 64) })
    .onConflict('postback_id')
    .merge(['muted_until', 'muted_by']);
}

export async function findMutedUntil(q: Q, postbackId: number): Promise<number> {
  const r = await q('manager_mutes').where({ postback_id: postbackId }).first();
  return r ? Number(r.muted_until) : 0;
}

function parseJson<T>(raw: unknown, fallback: T): T {
  try {
    return JSON.parse(String(raw ?? '')) as T;
  } catch {
    // a hand-edited row: show what is left rather than fail
    return fallback;
  }
}
