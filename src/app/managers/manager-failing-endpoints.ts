import { listOpenIncidents } from '../../db/repositories/manager-alerts.js';
import {
  findFailingCandidates,
  findLastAttempt,
  findPostbackOwners,
  findRecentlyDisabled,
  type LastAttempt,
} from '../../db/repositories/manager-queries.js';
import { type Deps, readerOf } from '../deps.js';
import { endpointOf } from '../postbacks/postback-request.js';
import { isAttemptOk } from './manager-partner-overview.js';

/** The circuit breaker's view of an endpoint (kept in Redis by the relay); null when it has none or is away. */
export type BreakerLookup = (endpoint: string) => Promise<{ open: boolean; until: number } | null>;

export interface FailingEndpoint {
  postbackId: number;
  partnerId: number;
  partnerName: string;
  endpoint: string;
  state: 'failing' | 'paused' | 'disabled';
  pausedUntil: number | null;
  disabledReason: string | null;
  /** Deliveries waiting for another try after a failed one. */
  retrying: number;
  /** Deliveries that gave up in the last 24 hours (replayable). */
  dead: number;
  lastAttempt: LastAttempt | null;
}

const DAY_MS = 86_400_000;

/** "HTTP 503" / "timeout: connect ETIMEDOUT" — the last error in a few words. */
export function describeAttempt(a: LastAttempt | null): string {
  if (!a) return 'no attempt yet';
  if (a.errorClass) return a.errorMessage ? `${a.errorClass}: ${a.errorMessage}` : a.errorClass;
  return a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`;
}

/**
 * Postback endpoints failing now: deliveries retrying after a failure, dead in the last day, an open
 * incident, or disabled by a 410 in the last day — each with its last error and whether the breaker has
 * paused it. A postback whose last attempt succeeded and has no open incident is not failing any more.
 */
export async function listFailingEndpoints(deps: Deps, breaker?: BreakerLookup): Promise<FailingEndpoint[]> {
  const db = readerOf(deps);
  const now = deps.now();
  const [candidates, disabled, incidents] = await Promise.all([
    findFailingCandidates(db, now - DAY_MS),
    findRecentlyDisabled(db, now - DAY_MS),
    listOpenIncidents(db),
  ]);
  const ids = new Set<number>([
    ...candidates.map((c) => c.postbackId),
    ...disabled,
    ...incidents.map((i) => i.postbackId),
  ]);
  const owners = await findPostbackOwners(db, [...ids]);
  const byId = new Map(candidates.map((c) => [c.postbackId, c]));
  const open = new Set(incidents.map((i) => i.postbackId));
  const out: FailingEndpoint[] = [];
  for (const id of ids) {
    const o = owners.get(id);
    if (!o || o.deleted) continue;
    const last = await findLastAttempt(db, id);
    const c = byId.get(id);
    const isDisabled = !o.enabled;
    if (!isDisabled && !open.has(id) && (last === null || isAttemptOk(last))) continue;
    const endpoint = endpointOf(o.url) ?? o.url.slice(0, 60);
    const gate = isDisabled || !breaker ? null : await breaker(endpoint).catch(() => null);
    const paused = gate?.open === true && gate.until > now;
    out.push({
      postbackId: id,
      partnerId: o.partnerId,
      partnerName: o.partnerName,
      endpoint,
      state: isDisabled ? 'disabled' : paused ? 'paused' : 'failing',
      pausedUntil: paused ? (gate?.until ?? null) : null,
      disabledReason: o.disabledReason,
      retrying: c?.retrying ?? 0,
      dead: c?.deadSince ?? 0,
      lastAttempt: last,
    });
  }
  // Most deliveries at stake first.
  out.sort((a, b) => b.retrying + b.dead - (a.retrying + a.dead) || a.postbackId - b.postbackId);
  return out;
}
