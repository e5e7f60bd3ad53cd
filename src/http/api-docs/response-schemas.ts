import { z } from 'zod';
import { CAMPAIGN_ACCESS, CAMPAIGN_STATUSES, CAMPAIGN_TYPES } from '../../app/admin/campaign-input.js';
import { PARTNER_STATUSES, PAYOUT_SCHEDULES } from '../../app/admin/partner-input.js';

/**
 * What the API answers, for the generated OpenAPI document only: responses are serialised as they are
 * (JSON.stringify), these schemas never filter or check them. Enums come from the input schemas.
 */

const time = z.string().meta({ format: 'date-time', examples: ['2026-11-24T10:00:00.000Z'] });
const money = z.string().meta({ description: 'Decimal string in the currency named beside it.', examples: ['50.00'] });
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const Partner = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  company: z.string().nullable(),
  status: z.enum(PARTNER_STATUSES),
  currency: z.string(),
  timezone: z.string(),
  referrer_id: z.number().int().nullable(),
  referral_rate_bp: z.number().int().nullable(),
  min_payout: money,
  payout_schedule: z.enum(PAYOUT_SCHEDULES),
  created_at: time,
  updated_at: time,
});
export const PartnerPage = page(Partner);

export const Campaign = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.enum(CAMPAIGN_TYPES),
  category: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  landing_url: z.string(),
  currency: z.string(),
  access: z.enum(CAMPAIGN_ACCESS),
  geo_targets: z.array(z.string()),
  tracking_url: z.string().meta({ examples: ['https://track.example.com/t/3?pid={partner_id}'] }),
  payouts: z.array(z.looseObject({ type: z.string(), kind: z.string() })),
  landings: z.array(z.looseObject({ id: z.number().int(), name: z.string(), url: z.string() })),
  creatives: z.array(z.looseObject({ id: z.number().int(), name: z.string(), kind: z.string() })),
  created_at: time,
  updated_at: time,
});
export const CampaignPage = page(Campaign);
export const Access = z.looseObject({
  partner_id: z.number().int(),
  campaign_id: z.number().int(),
  status: z.string(),
});
export const AccessList = z.object({ items: z.array(Access) });

const metrics = {
  clicks: z.number().int(),
  conversions: z.number().int().meta({ description: 'Pending + approved.' }),
  by_type: z.record(z.string(), z.number().int()),
  approved: z.number().int(),
  pending: z.number().int(),
  declined: z.number().int(),
  cr: z.number().nullable().meta({ description: 'Conversions per click, percent.' }),
  epc: z.string().nullable(),
  payout: money,
  payout_approved: money,
  revenue: money.optional().meta({ description: 'Operator keys only.' }),
  cost: money.optional().meta({ description: 'Operator keys only.' }),
  profit: money.optional().meta({ description: 'Operator keys only.' }),
  roi: z.number().nullable().optional(),
};
export const Report = z.object({
  group: z.string(),
  timezone: z.string(),
  period: z.string(),
  date_from: z.string(),
  date_to: z.string(),
  from: time,
  to: time,
  currency: z.string(),
  partner_id: z.number().int().nullable(),
  source: z.string(),
  types: z.array(z.string()),
  rows: z.array(z.object({ key: z.string(), label: z.string(), ...metrics })),
  totals: z.object(metrics),
});

export const Postback = z.object({
  id: z.number().int(),
  partner_id: z.number().int(),
  campaign_id: z.number().int().nullable(),
  url: z.string(),
  method: z.enum(['GET', 'POST']),
  body_format: z.enum(['none', 'form', 'json']),
  body_template: z.string(),
  conversion_types: z.array(z.string()),
  statuses: z.array(z.string()),
  on_status_change: z.boolean(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  created_at: time,
  updated_at: time,
});
export const PostbackListItem = Postback.extend({ preview_url: z.string() });
export const PostbackList = z.object({ items: z.array(PostbackListItem) });
export const Deleted = z.object({ id: z.number().int(), deleted: z.literal(true) });
export const PostbackPreview = z.object({
  url: z.string(),
  body: z.string().nullable(),
  sample: z.record(z.string(), z.string()),
});
export const Delivery = z.looseObject({
  id: z.number().int(),
  state: z.enum(['pending', 'delivered', 'dead']),
  next_attempt_at: time.nullable(),
});
export const DeliveryPage = z.object({ items: z.array(Delivery), next_before_id: z.number().int().nullable() });
export const Replayed = z.object({ count: z.number().int() });
export const CostResult = z.object({
  status: z.literal('ok'),
  cost_id: z.number().int(),
  clicks: z.number().int().meta({ description: 'Clicks of the slice the cost was spread over.' }),
  amount: money,
  currency: z.string(),
  previous_amount: money.meta({ description: 'What these clicks cost before; the upload replaces it.' }),
});
