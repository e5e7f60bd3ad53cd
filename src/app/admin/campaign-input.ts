import { z } from 'zod';
import { currencySchema, decimalSchema, idSchema, text } from './admin-input.js';

export const CAMPAIGN_TYPES = ['cpa', 'cpl', 'cps', 'revshare'] as const;
export const CAMPAIGN_STATUSES = ['active', 'paused', 'archived'] as const;
export const CAMPAIGN_ACCESS = ['public', 'approval'] as const;
export const ACCESS_STATUSES = ['approved', 'pending', 'rejected'] as const;
export const CREATIVE_KINDS = ['banner', 'text', 'video'] as const;

const URL_EXAMPLE = 'https://offer.example.com/lp?click={clickid}';

/**
 * A landing URL template: http(s), and still a URL once its {macros} are filled. Macros may stand in the
 * path and query, not in the host (the host decides where traffic goes and must be known up front).
 */
export function checkUrlTemplate(raw: string): string | null {
  const filled = raw.replace(/\{[A-Za-z0-9_]+\}/g, 'x');
  if (/[{}]/.test(filled)) return `has an unbalanced or malformed {macro}; write macros like {clickid}`;
  let u: URL;
  try {
    u = new URL(filled);
  } catch {
    return `must be an http(s) URL like ${URL_EXAMPLE}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `must start with http:// or https://, like ${URL_EXAMPLE}`;
  if (/\{/.test(raw.split('/')[2] ?? '')) return `must not have a {macro} in the host; put macros in the path or query`;
  return null;
}

const urlTemplate = z
  .string({ error: `must be an http(s) URL like ${URL_EXAMPLE}` })
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .superRefine((v, ctx) => {
    const problem = checkUrlTemplate(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const hostname = z
  .string({ error: 'must be a hostname like offer.example.com' })
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a hostname like offer.example.com (no scheme, no path)',
  );

const TYPE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

export const PayoutSchema = z
  .object({
    type: z
      .string({ error: 'must be a conversion type like lead, sale or deposit' })
      .trim()
      .regex(TYPE_NAME, 'must be a conversion type like lead, sale or deposit (letters, digits, _ . -)'),
    kind: z.enum(['fixed', 'revshare'], { error: 'must be fixed or revshare' }).optional(),
    amount: decimalSchema.optional(),
    percent: decimalSchema.optional(),
    default_revenue: decimalSchema.optional(),
  })
  .superRefine((p, ctx) => {
    const kind = p.kind ?? (p.percent !== undefined ? 'revshare' : 'fixed');
    if (kind === 'fixed' && p.amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'is required for a fixed payout, like "12.50"' });
    }
    if (kind === 'revshare' && p.percent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['percent'], message: 'is required for a revshare payout, like "25"' });
    }
    if (p.amount !== undefined && p.percent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['percent'], message: 'send either amount (fixed) or percent (revshare)' });
    }
  });
export type PayoutInput = z.infer<typeof PayoutSchema>;

export const LandingSchema = z.object({
  id: idSchema('landing of this campaign').optional(),
  name: text('landing name', 200, 'Main page'),
  url: urlTemplate,
  is_default: z.boolean({ error: 'must be true or false' }).default(false),
});
export type LandingInput = z.infer<typeof LandingSchema>;

const dimension = z
  .number({ error: 'must be a whole number of pixels' })
  .int('must be a whole number of pixels')
  .min(1, 'must be at least 1 pixel')
  .max(10_000, 'must be at most 10000 pixels')
  .nullable()
  .optional();

export const CreativeSchema = z
  .object({
    name: text('creative name', 200, 'Banner 300x250'),
    kind: z.enum(CREATIVE_KINDS, { error: `must be one of ${CREATIVE_KINDS.join(', ')}` }),
    url: z.string({ error: 'must be a URL' }).trim().max(2000, 'must be at most 2000 characters').optional(),
    width: dimension,
    height: dimension,
    body: z.string({ error: 'must be text' }).max(20_000, 'must be at most 20000 characters').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.kind !== 'text' && !c.url) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `is required for a ${c.kind}, like https://cdn.example.com/b.png`,
      });
    }
    if (c.url && !/^https?:\/\/[^\s/]+/.test(c.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'must be an http(s) URL like https://cdn.example.com/b.png',
      });
    }
    if (c.kind === 'text' && !c.body) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'is required for a text creative: the ad copy' });
    }
  });
export type CreativeInput = z.infer<typeof CreativeSchema>;

const fields = {
  name: text('campaign name', 200, 'Casino Royale DE'),
  type: z.enum(CAMPAIGN_TYPES, { error: `must be one of ${CAMPAIGN_TYPES.join(', ')}` }),
  category: z
    .string({ error: 'must be a short word like gambling, nutra or finance' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9 _-]{0,63}$/, 'must be a short word like gambling, nutra or finance'),
  description: z.string({ error: 'must be text' }).max(5000, 'must be at most 5000 characters'),
  status: z.enum(CAMPAIGN_STATUSES, { error: `must be one of ${CAMPAIGN_STATUSES.join(', ')}` }),
  landing_url: urlTemplate,
  currency: currencySchema,
  deeplink_domains: z.array(hostname, { error: 'must be a list of hostnames like ["shop.example.com"]' }).max(50),
  access: z.enum(CAMPAIGN_ACCESS, { error: `must be one of ${CAMPAIGN_ACCESS.join(', ')}` }),
  geo_targets: z
    .array(
      z
        .string({ error: 'must be a 2-letter country code like US' })
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{2}$/, 'must be a 2-letter country code like US'),
      { error: 'must be a list of country codes like ["US","DE"], or [] for worldwide' },
    )
    .max(250),
  payouts: z
    .array(PayoutSchema, { error: 'must be a list like [{"type":"lead","amount":"5.00"}]' })
    .min(1, 'needs at least one payout, like [{"type":"lead","amount":"5.00"}]')
    .max(50, 'must have at most 50 payouts'),
  landings: z.array(LandingSchema, { error: 'must be a list of {name, url, is_default}' }).max(50),
  creatives: z.array(CreativeSchema, { error: 'must be a list of {name, kind, url, width, height, body}' }).max(100),
};

export const CAMPAIGN_FIELDS = Object.keys(fields);

export const CreateCampaignSchema = z.object({
  ...fields,
  category: fields.category.default('other'),
  description: fields.description.default(''),
  status: fields.status.default('active'),
  currency: fields.currency.default('USD'),
  deeplink_domains: fields.deeplink_domains.default([]),
  access: fields.access.default('approval'),
  geo_targets: fields.geo_targets.default([]),
  landings: fields.landings.default([]),
  creatives: fields.creatives.default([]),
});
export type CreateCampaignInput = z.input<typeof CreateCampaignSchema>;

export const UpdateCampaignSchema = z.object(fields).partial();
export type UpdateCampaignInput = z.input<typeof UpdateCampaignSchema>;

export const ListCampaignsSchema = z.object({
  status: fields.status.optional(),
  type: fields.type.optional(),
  category: fields.category.optional(),
});

export const AccessSchema = z.object({
  status: z.enum(ACCESS_STATUSES, { error: `must be one of ${ACCESS_STATUSES.join(', ')}` }),
});
