import { z } from 'zod';
import type { PartnerRow } from '../../db/repositories/partners.js';
import { formatDecimal } from '../../domain/money.js';
import { currencySchema, decimalSchema, idSchema, isoTime, text, timezoneSchema } from './admin-input.js';

export const PARTNER_STATUSES = ['pending', 'active', 'suspended'] as const;
export const PAYOUT_SCHEDULES = ['weekly', 'biweekly', 'monthly'] as const;

const fields = {
  name: text('partner name', 200, 'Acme Media'),
  email: z
    .string({ error: 'must be an email address like partner@example.com' })
    .trim()
    .toLowerCase()
    .max(320, 'must be at most 320 characters')
    .email({ error: 'must be an email address like partner@example.com' }),
  company: z.string({ error: 'must be text or null' }).trim().max(200, 'must be at most 200 characters').nullable(),
  status: z.enum(PARTNER_STATUSES, { error: `must be one of ${PARTNER_STATUSES.join(', ')}` }),
  currency: currencySchema,
  timezone: timezoneSchema,
  referrer_id: idSchema('partner who referred this one').nullable(),
  referral_rate_bp: z
    .number({ error: 'must be basis points from 0 to 10000 (500 = 5 %), or null for the default rate' })
    .int('must be whole basis points (500 = 5 %)')
    .min(0, 'must be from 0 to 10000 basis points')
    .max(10_000, 'must be from 0 to 10000 basis points')
    .nullable(),
  min_payout: decimalSchema,
  payout_schedule: z.enum(PAYOUT_SCHEDULES, { error: `must be one of ${PAYOUT_SCHEDULES.join(', ')}` }),
};

export const PARTNER_FIELDS = Object.keys(fields);

export const CreatePartnerSchema = z.object({
  ...fields,
  company: fields.company.optional(),
  status: fields.status.default('active'),
  currency: fields.currency.default('USD'),
  timezone: fields.timezone.default('UTC'),
  referrer_id: fields.referrer_id.optional(),
  referral_rate_bp: fields.referral_rate_bp.optional(),
  min_payout: fields.min_payout.optional(),
  payout_schedule: fields.payout_schedule.default('monthly'),
});
export type CreatePartnerInput = z.input<typeof CreatePartnerSchema>;

export const UpdatePartnerSchema = z.object(fields).partial();
export type UpdatePartnerInput = z.input<typeof UpdatePartnerSchema>;

export const ListPartnersSchema = z.object({
  status: fields.status.optional(),
});

/** What the API and the CLI show for a partner. Money is a decimal string, times ISO 8601 UTC. */
export interface PartnerView {
  id: number;
  name: string;
  email: string;
  company: string | null;
  status: string;
  currency: string;
  timezone: string;
  referrer_id: number | null;
  referral_rate_bp: number | null;
  min_payout: string;
  payout_schedule: string;
  created_at: string;
  updated_at: string;
}

export function toPartnerView(r: PartnerRow): PartnerView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    company: r.company ?? null,
    status: r.status,
    currency: r.currency,
    timezone: r.timezone,
    referrer_id: r.referrer_id ?? null,
    referral_rate_bp: r.referral_rate_bp ?? null,
    min_payout: formatDecimal(Number(r.min_payout), r.currency),
    payout_schedule: r.payout_schedule,
    created_at: isoTime(Number(r.created_at)),
    updated_at: isoTime(Number(r.updated_at)),
  };
}
