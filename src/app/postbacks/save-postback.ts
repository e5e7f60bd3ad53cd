import { findCampaignById } from '../../db/repositories/campaigns.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import {
  findPostback,
  insertPostback,
  type PostbackFields,
  softDeletePostback,
  updatePostbackRow,
} from '../../db/repositories/postbacks.js';
import { AppError, invalid } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { ResolveHost } from '../../outbound/safe-http.js';
import { rejectUnknownKeys } from '../admin/admin-input.js';
import type { Deps } from '../deps.js';
import { checkPostbackShape } from './check-postback.js';
import {
  type Actor,
  assertOwns,
  CreatePostbackSchema,
  POSTBACK_FIELDS,
  type PostbackView,
  parseId,
  toPostbackView,
  UpdatePostbackSchema,
} from './postback-input.js';

export interface SavePostbackOptions {
  /** Replaces DNS in the host check (tests). */
  resolve?: ResolveHost;
  /** The partner confirmed saving although the resolver could not check the host (see checkPostbackShape). */
  allowUncheckedHost?: boolean;
}

/**
 * Creates (id undefined) or changes a postback. Everything is checked before anything is written, the URL
 * and body with the same rules a partner sees in chat: known macros only, http/https, and a host that
 * resolves to public addresses (unless POSTBACK_ALLOW_PRIVATE_NETWORKS). An update may change any subset
 * of fields; the result is checked as a whole. Re-enabling a disabled postback clears its disabled_reason.
 */
export async function savePostback(
  deps: Deps,
  actor: Actor,
  input: unknown,
  id?: unknown,
  opts: SavePostbackOptions = {},
): Promise<PostbackView> {
  rejectUnknownKeys(input, POSTBACK_FIELDS);
  let fields: PostbackFields;
  let existingId: number | null = null;
  if (id === undefined) {
    const p = parseInput(CreatePostbackSchema, input);
    const partnerId = actor.partnerId ?? p.partner_id;
    if (partnerId === undefined) {
      throw invalid(
        'missing_partner_id',
        'partner_id is required with an admin key: whose postback is it?',
        'partner_id',
      );
    }
    if (actor.partnerId !== null && p.partner_id !== undefined && p.partner_id !== actor.partnerId) {
      throw new AppError(
        'forbidden',
        'not_your_partner',
        'a partner key may only create postbacks for its own partner',
        'partner_id',
      );
    }
    fields = {
      partnerId,
      campaignId: p.campaign_id ?? null,
      url: p.url.trim(),
      method: p.method,
      bodyFormat: p.body_format ?? (p.method === 'POST' && p.body_template ? 'form' : 'none'),
      bodyTemplate: p.body_template,
      conversionTypes: p.conversion_types,
      statuses: p.statuses,
      onStatusChange: p.on_status_change,
      enabled: p.enabled,
    };
  } else {
    existingId = parseId(id, 'postback id');
    const current = await findPostback(deps.db, existingId);
    assertOwns(actor, current, existingId);
    const p = parseInput(UpdatePostbackSchema, input);
    const method = p.method ?? current.method;
    fields = {
      partnerId: current.partnerId,
      campaignId: p.campaign_id === undefined ? current.campaignId : p.campaign_id,
      url: p.url?.trim() ?? current.url,
      method,
      bodyFormat: p.body_format ?? (method === 'GET' ? 'none' : current.bodyFormat),
      bodyTemplate: p.body_template ?? current.bodyTemplate,
      conversionTypes: p.conversion_types ?? current.conversionTypes,
      statuses: p.statuses ?? current.statuses,
      onStatusChange: p.on_status_change ?? current.onStatusChange,
      enabled: p.enabled ?? current.enabled,
    };
  }
  if (!(await findPartnerById(deps.db, fields.partnerId))) {
    throw invalid(
      'unknown_partner',
      `partner ${fields.partnerId} does not exist; see GET /api/v1/partners`,
      'partner_id',
    );
  }
  if (fields.campaignId !== null && !(await findCampaignById(deps.db, fields.campaignId))) {
    throw invalid(
      'unknown_campaign',
      `campaign ${fields.campaignId} does not exist; leave campaign_id null for all campaigns`,
      'campaign_id',
    );
  }
  await checkPostbackShape(deps, fields, opts);
  const now = deps.now();
  const savedId = existingId ?? (await insertPostback(deps.db, fields, now));
  if (existingId !== null) await updatePostbackRow(deps.db, existingId, fields, now);
  const saved = await findPostback(deps.db, savedId);
  assertOwns(actor, saved, savedId);
  return toPostbackView(saved);
}

/**
 * Removes a postback from use. Soft: its deliveries and attempts stay visible in the log, and pending
 * deliveries end as dead ('postback_disabled') when the worker reaches them.
 */
export async function deletePostback(deps: Deps, actor: Actor, id: unknown): Promise<{ id: number; deleted: true }> {
  const pid = parseId(id, 'postback id');
  assertOwns(actor, await findPostback(deps.db, pid), pid);
  await softDeletePostback(deps.db, pid, deps.now());
  return { id: pid, deleted: true };
}
