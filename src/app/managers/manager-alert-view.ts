import {
  type AlertRow,
  findAlert,
  findIncident,
  findRootAlert,
  type Incident,
} from '../../db/repositories/manager-alerts.js';
import { findLastAttempt, findPostbackOwners, type LastAttempt } from '../../db/repositories/manager-queries.js';
import type { Deps } from '../deps.js';

export interface AlertToPost {
  alert: AlertRow;
  incident: Incident;
  /** The thread root when this is a follow-up (null for the root itself). */
  root: AlertRow | null;
  partnerId: number | null;
  partnerName: string;
  endpoint: string;
  lastAttempt: LastAttempt | null;
}

/** An alert row with what its message names, re-read at send time; null when it is no longer pending. */
export async function loadAlertToPost(deps: Deps, id: number): Promise<AlertToPost | null> {
  const alert = await findAlert(deps.db, id);
  if (alert?.state !== 'pending') return null;
  const incident = await findIncident(deps.db, alert.incidentId);
  if (!incident) return null;
  const owners = await findPostbackOwners(deps.db, [incident.postbackId]);
  const owner = owners.get(incident.postbackId);
  return {
    alert,
    incident,
    root: alert.root ? null : await findRootAlert(deps.db, incident.id),
    partnerId: owner?.partnerId ?? incident.partnerId,
    partnerName: owner?.partnerName ?? `partner #${incident.partnerId ?? '?'}`,
    endpoint: incident.endpoint,
    lastAttempt: await findLastAttempt(deps.db, incident.postbackId),
  };
}
