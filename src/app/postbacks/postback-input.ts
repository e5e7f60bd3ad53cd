import { z } from 'zod';
import type { Postback } from '../../db/repositories/postbacks.js';
import { CONVERSION_STATUSES } from '../../domain/conversion-status.js';
import { AppError } from '../../domain/errors.js';
import { idSchema, isoTime } from '../admin/admin-input.js';

/** Who is asking: an admin (partnerId null) or one partner, who may only touch their own postbacks. */
export interface Actor {
  partnerId: number | null;
}

const typeList = z
  .array(z.string().trim().min(1).max(64), { error: 'must be a list of conversion types like ["sale","lead"]' })
  .max(50, 'list at most 50 types')
  .transform((l) => [...new Set(l.map((t) => t.toLowerCase()))]);
const statusList = z
  .array(z.enum(CONVERSION_STATUSES, { error: `each status must be one of ${CONVERSION_STATUSES.join(', ')}` }), {
    error: `must be a list of statuses like ["approved"] (${CONVERSION_STATUSES.join(', ')})`,
  })
  .transform((l) => [...new Set(l)]);

export const postbackFields = {
  partner_id: idSchema('partner'),
  campaign_id: idSchema('campaign').nullable(),
  url: z.string({ error: 'must be the postback URL, like https://tracker.example.com/pb?click={ref_id}' }),
  method: z
    .string({ error: 'must be GET or POST' })
    .trim()
    .toUpperCase()
    .pipe(z.enum(['GET', 'POST'], { error: 'must be GET or POST' })),
  body_format: z.enum(['none', 'form', 'json'], { error: 'must be none, form or json' }),
  body_template: z.string({ error: 'must be text' }).max(8192, 'keep the body within 8192 characters'),
  conversion_types: typeList,
  statuses: statusList,
  on_status_change: z.boolean({ error: 'must be true or false' }),
  enabled: z.boolean({ error: 'must be true or false' }),
};
export const POSTBACK_FIELDS = Object.keys(postbackFields);

export const CreatePostbackSchema = z.object({
  ...postbackFields,
  partner_id: postbackFields.partner_id.optional(),
  campaign_id: postbackFields.campaign_id.optional(),
  method: postbackFields.method.default('GET'),
  body_format: postbackFields.body_format.optional(),
  body_template: postbackFields.body_template.default(''),
  conversion_types: postbackFields.conversion_types.default([]),
  statuses: postbackFields.statuses.default([]),
  on_status_change: postbackFields.on_status_change.default(false),
  enabled: postbackFields.enabled.default(true),
});
export const UpdatePostbackSchema = z.object({
  campaign_id: postbackFields.campaign_id.optional(),
  url: postbackFields.url.optional(),
  method: postbackFields.method.optional(),
  body_format: postbackFields.body_format.optional(),
  body_template: postbackFields.body_template.optional(),
  conversion_types: postbackFields.conversion_types.optional(),
  statuses: postbackFields.statuses.optional(),
  on_status_change: postbackFields.on_status_change.optional(),
  enabled: postbackFields.enabled.optional(),
});

export interface PostbackView {
  id: number;
  partner_id: number;
  campaign_id: number | null;
  url: string;
  method: 'GET' | 'POST';
  body_format: 'none' | 'form' | 'json';
  body_template: string;
  conversion_types: string[];
  statuses: string[];
  on_status_change: boolean;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export function toPostbackView(p: Postback): PostbackView {
  return {
    id: p.id,
    partner_id: p.partnerId,
    campaign_id: p.campaignId,
    url: p.url,
    method: p.method,
    body_format: p.bodyFormat,
    body_template: p.bodyTemplate,
    conversion_types: p.conversionTypes,
    statuses: p.statuses,
    on_status_change: p.onStatusChange,
    enabled: p.enabled,
    disabled_reason: p.disabledReason,
    created_at: isoTime(p.createdAt),
    updated_at: isoTime(p.updatedAt),
  };
}

/** Partners see only their own postbacks; someone else's is reported as not found, never as forbidden. */
export function assertOwns(actor: Actor, p: { partnerId: number } | null, id: number): asserts p is Postback {
  if (!p || (actor.partnerId !== null && actor.partnerId !== p.partnerId)) {
    throw new AppError(
      'not_found',
      'postback_not_found',
      `no postback ${id}; list yours with GET /api/v1/postbacks`,
      'id',
    );
  }
}

export function parseId(raw: unknown, what: string): number {
  const s = String(raw ?? '');
  if (!/^\d{1,15}$/.test(s) || Number(s) === 0) {
    throw new AppError('invalid', 'invalid_id', `${what} must be a numeric id like 12, got "${s.slice(0, 40)}"`, 'id');
  }
  return Number(s);
}
