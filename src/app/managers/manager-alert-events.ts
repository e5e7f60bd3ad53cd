import {
  type AlertKind,
  claimUnseenEvents,
  findMutedUntil,
  findOpenIncident,
  hasUnseenEvents,
  insertAlerts,
  type ManagerEvent,
  markEventsSeen,
  type NewAlert,
  openIncident,
  updateIncidentKind,
} from '../../db/repositories/manager-alerts.js';
import type { Deps } from '../deps.js';
import { endpointOf } from '../postbacks/postback-request.js';

/** Events older than this when first seen (the channel was off meanwhile) are history, not alerts. */
export const ALERT_MAX_AGE_MS = 6 * 3_600_000;

/** failing < paused < disabled: within one incident only a worse state is news. */
const SEVERITY: Record<AlertKind, number> = { failing: 1, paused: 2, disabled: 3, recovered: 0 };

export function alertKindOf(e: Pick<ManagerEvent, 'kind' | 'payload'>): AlertKind | null {
  if (e.kind === 'postback_failing') return e.payload['paused_until'] ? 'paused' : 'failing';
  if (e.kind === 'postback_disabled') return 'disabled';
  if (e.kind === 'postback_recovered') return 'recovered';
  return null;
}

function endpointOfEvent(e: ManagerEvent): string {
  const raw = e.payload['endpoint'] ?? e.payload['url'];
  if (typeof raw !== 'string') return '';
  return raw.includes('://') ? (endpointOf(raw) ?? raw) : raw;
}

/**
 * Turns relay events into manager alerts, in one transaction with marking them seen. One incident per
 * postback at a time: the first failing/paused/disabled event opens it (its alert is the thread root); a
 * worse state later is a threaded follow-up; a repeat of the same or a milder state is dropped; recovered
 * (or disabled, which is final) closes it. A muted postback's incidents are tracked but their alerts are
 * stored as skipped. The unique "pe:<event>" key keeps a second converter from writing an alert twice.
 * Returns how many alerts were written to post.
 */
export async function convertManagerEvents(deps: Deps, limit = 200): Promise<number> {
  if (!(await hasUnseenEvents(deps.db))) return 0;
  return deps.db.transaction(async (trx) => {
    const events = await claimUnseenEvents(trx, limit);
    if (events.length === 0) return 0;
    const now = deps.now();
    let written = 0;
    for (const e of events) {
      const kind = alertKindOf(e);
      if (kind === null || e.postbackId === null || now - e.at > ALERT_MAX_AGE_MS) continue;
      const payload = { ...e.payload, event_id: e.id, partner_id: e.partnerId, postback_id: e.postbackId };
      const skipped = (await findMutedUntil(trx, e.postbackId)) > e.at;
      const alert = (incidentId: number, root: boolean): NewAlert => ({
        incidentId,
        kind,
        payload,
        dedupeKey: `pe:${e.id}`,
        root,
        skipped,
        at: now,
      });
      let open = await findOpenIncident(trx, e.postbackId);
      if (!open) {
        if (kind === 'recovered') continue;
        const { incident, created } = await openIncident(trx, {
          postbackId: e.postbackId,
          partnerId: e.partnerId,
          endpoint: endpointOfEvent(e),
          kind,
          at: e.at,
        });
        if (created) {
          if (kind === 'disabled') await updateIncidentKind(trx, incident.id, kind, e.at);
          written += (await insertAlerts(trx, [alert(incident.id, true)])) * (skipped ? 0 : 1);
          continue;
        }
        // Opened meanwhile by someone else: this event is judged against that incident.
        open = incident;
      }
      if (kind !== 'recovered' && SEVERITY[kind] <= SEVERITY[open.lastKind]) continue;
      const closes = kind === 'recovered' || kind === 'disabled';
      await updateIncidentKind(trx, open.id, kind, closes ? e.at : null);
      written += (await insertAlerts(trx, [alert(open.id, false)])) * (skipped ? 0 : 1);
    }
    await markEventsSeen(
      trx,
      events.map((e) => e.id),
      now,
    );
    return written;
  });
}
