/**
 * Which postbacks want which conversion event. Pure, so the rules are tested without a database.
 *
 * - A NEW conversion fires 'created' on every postback whose campaign, type and status filters match.
 * - A STATUS CHANGE fires 'status:<new>' when the new status is inside the postback's status filter and
 *   either the postback asks for status changes (on_status_change) or the conversion is only now entering
 *   the filter (pending -> approved for an "approved only" postback: that partner hears about it once).
 * - Payout or revenue changes alone fire nothing.
 * - Global (campaign_id null) and campaign postbacks that both match BOTH fire, as in HasOffers and
 *   Everflow: each postback is a separate subscription; a partner narrows one with its filters.
 * The outbox is unique on (postback, conversion, event key), so one event reaches one postback at most once.
 */

export interface PostbackRule {
  id: number;
  partnerId: number;
  campaignId: number | null;
  /** Lower-case type keys; empty = every type. */
  conversionTypes: string[];
  /** Empty = every status. */
  statuses: string[];
  onStatusChange: boolean;
}

export interface RuleEvent {
  partnerId: number;
  campaignId: number;
  typeKey: string;
  /** null for a new conversion. */
  beforeStatus: string | null;
  afterStatus: string;
}

export interface Match {
  postbackId: number;
  eventKey: string;
}

const inFilter = (list: string[], v: string) => list.length === 0 || list.includes(v);

export function eventKeyFor(e: RuleEvent): string | null {
  if (e.beforeStatus === null) return 'created';
  if (e.beforeStatus === e.afterStatus) return null;
  return `status:${e.afterStatus}`;
}

export function postbackWants(p: PostbackRule, e: RuleEvent): boolean {
  if (p.partnerId !== e.partnerId) return false;
  if (p.campaignId !== null && p.campaignId !== e.campaignId) return false;
  if (!inFilter(p.conversionTypes, e.typeKey)) return false;
  if (!inFilter(p.statuses, e.afterStatus)) return false;
  if (e.beforeStatus === null) return true;
  if (e.beforeStatus === e.afterStatus) return false;
  return p.onStatusChange || !inFilter(p.statuses, e.beforeStatus);
}

/** Every (postback, event key) pair an event should produce. */
export function matchPostbacks(postbacks: PostbackRule[], e: RuleEvent): Match[] {
  const eventKey = eventKeyFor(e);
  if (eventKey === null) return [];
  return postbacks.filter((p) => postbackWants(p, e)).map((p) => ({ postbackId: p.id, eventKey }));
}
