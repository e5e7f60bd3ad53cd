import { findAlert, findIncident, setMute } from '../../db/repositories/manager-alerts.js';
import { findLastAttempt } from '../../db/repositories/manager-queries.js';
import { findPostback } from '../../db/repositories/postbacks.js';
import { invalid, notFound } from '../../domain/errors.js';
import { type Deps, readerOf } from '../deps.js';

export const MUTE_MS = 24 * 3_600_000;

const postbackIdOf = (raw: string): number => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw invalid('invalid_postback_id', `not a postback id: "${raw.slice(0, 20)}"`, 'postback_id');
  return id;
};

/** Mutes a postback's alerts for 24 hours (incidents are still tracked, so the thread resumes afterwards). */
export async function muteIncidentAlerts(
  deps: Deps,
  rawPostbackId: string,
  by: string,
): Promise<{ postbackId: number; until: number }> {
  const postbackId = postbackIdOf(rawPostbackId);
  const until = deps.now() + MUTE_MS;
  await setMute(deps.db, postbackId, until, by);
  return { postbackId, until };
}

export interface AttemptDetail {
  postbackId: number;
  partnerId: number;
  at: number;
  url: string;
  method: string;
  statusCode: number | null;
  durationMs: number;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string;
  deliveryId: number | null;
}

/** The last delivery attempt of a postback, in full (URL, status, error, first bytes of the answer). */
export async function getLastAttemptDetail(deps: Deps, rawPostbackId: string): Promise<AttemptDetail> {
  const postbackId = postbackIdOf(rawPostbackId);
  const db = readerOf(deps);
  const pb = await findPostback(db, postbackId);
  if (!pb) throw notFound('postback_not_found', `no postback ${postbackId}`, 'postback_id');
  const last = await findLastAttempt(db, postbackId);
  if (!last) throw notFound('no_attempt', `postback ${postbackId} has no delivery attempt yet`, 'postback_id');
  return { postbackId, partnerId: pb.partnerId, ...last };
}

/** For a button on an alert: which postback it is about (the value carries the alert id). */
export async function postbackOfAlert(deps: Deps, alertId: number): Promise<number | null> {
  const a = await findAlert(deps.db, alertId);
  if (!a) return null;
  return (await findIncident(deps.db, a.incidentId))?.postbackId ?? null;
}
