import { findPostback, listPostbackRows } from '../../db/repositories/postbacks.js';
import { invalid } from '../../domain/errors.js';
import { previewPostback } from '../../domain/postback-template.js';
import type { Deps } from '../deps.js';
import { type Actor, assertOwns, type PostbackView, parseId, toPostbackView } from './postback-input.js';

export type PostbackListItem = PostbackView & { preview_url: string };

/** A partner's postbacks (admins: any partner's, or all), each with its URL expanded for the sample conversion. */
export async function listPostbacks(
  deps: Deps,
  actor: Actor,
  query: { partner_id?: unknown; campaign_id?: unknown } = {},
): Promise<{ items: PostbackListItem[] }> {
  const filter: { partnerId?: number; campaignId?: number } = {};
  if (actor.partnerId !== null) filter.partnerId = actor.partnerId;
  else if (query.partner_id !== undefined && query.partner_id !== '') {
    filter.partnerId = parseIdField(query.partner_id, 'partner_id');
  }
  if (query.campaign_id !== undefined && query.campaign_id !== '') {
    filter.campaignId = parseIdField(query.campaign_id, 'campaign_id');
  }
  const rows = await listPostbackRows(deps.db, filter);
  return { items: rows.map((p) => ({ ...toPostbackView(p), preview_url: previewPostback(p.url) })) };
}

export async function getPostback(deps: Deps, actor: Actor, id: unknown): Promise<PostbackListItem> {
  const pid = parseId(id, 'postback id');
  const p = await findPostback(deps.db, pid);
  assertOwns(actor, p, pid);
  return { ...toPostbackView(p), preview_url: previewPostback(p.url) };
}

function parseIdField(raw: unknown, field: string): number {
  const s = String(raw);
  if (!/^\d{1,15}$/.test(s)) throw invalid('invalid_id', `${field} must be a numeric id like 12`, field);
  return Number(s);
}
