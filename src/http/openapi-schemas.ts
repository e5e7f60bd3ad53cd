import {
  ACCESS_STATUSES,
  CAMPAIGN_ACCESS,
  CAMPAIGN_STATUSES,
  CAMPAIGN_TYPES,
  CREATIVE_KINDS,
} from '../app/admin/campaign-input.js';
import { PARTNER_STATUSES, PAYOUT_SCHEDULES } from '../app/admin/partner-input.js';
import { DEFAULT_CONVERSION_STATUS } from '../domain/conversion-status.js';
import { type JsonSchema, ref } from './openapi-types.js';

/** Component schemas of the OpenAPI document; enums come from the validators so the two cannot drift. */

const decimal = (description: string, example: string): JsonSchema => ({
  type: 'string',
  description: `${description} Decimal string; "12.34", "12,34" and "12" are accepted, never floats.`,
  pattern: '^\\d{1,15}([.,]\\d{1,6})?$',
  example,
});
const isoTime: JsonSchema = { type: 'string', format: 'date-time', example: '2026-11-24T10:00:00.000Z' };
const id: JsonSchema = { type: 'integer', minimum: 1, example: 12 };

const partnerFields: Record<string, JsonSchema> = {
  name: { type: 'string', maxLength: 200, example: 'Acme Media' },
  email: { type: 'string', format: 'email', description: 'Unique, case-insensitively.', example: 'ops@acme.example' },
  company: { type: ['string', 'null'], maxLength: 200 },
  status: { type: 'string', enum: [...PARTNER_STATUSES], default: 'active' },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'USD', example: 'USD' },
  timezone: { type: 'string', description: 'IANA zone; reports use it.', default: 'UTC', example: 'Europe/Berlin' },
  referrer_id: {
    type: ['integer', 'null'],
    description: 'The partner who referred this one: an existing partner, not itself, no cycles.',
  },
  referral_rate_bp: {
    type: ['integer', 'null'],
    minimum: 0,
    maximum: 10000,
    description:
      "Commission the referrer earns on this partner's payouts, in basis points (500 = 5 %); null = default.",
  },
  min_payout: decimal('Smallest balance paid out, in the partner currency.', '50.00'),
  payout_schedule: { type: 'string', enum: [...PAYOUT_SCHEDULES], default: 'monthly' },
};

const payout: JsonSchema = {
  type: 'object',
  description: 'What a partner earns per conversion of one type: a fixed amount or a share of revenue.',
  required: ['type'],
  properties: {
    type: { type: 'string', description: 'Conversion type; matched case-insensitively.', example: 'deposit' },
    kind: { type: 'string', enum: ['fixed', 'revshare'], description: 'Default: revshare if percent is sent.' },
    amount: decimal('Fixed payout (kind fixed).', '25.00'),
    percent: { type: 'string', description: 'Share of revenue in percent (kind revshare).', example: '30' },
    default_revenue: decimal('Revenue assumed when the advertiser sends none.', '0.00'),
  },
};

const landing: JsonSchema = {
  type: 'object',
  required: ['name', 'url'],
  properties: {
    id: { ...id, description: 'Only in PATCH: changes that landing; without id a landing is added.' },
    name: { type: 'string', example: 'Main page' },
    url: {
      type: 'string',
      description: 'http(s) URL template; click macros allowed.',
      example: 'https://offer.example.com/a?c={clickid}',
    },
    is_default: { type: 'boolean', default: false },
    status: { type: 'string', enum: ['active', 'archived'], description: 'Read-only.' },
  },
};

const creative: JsonSchema = {
  type: 'object',
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', example: 'Banner 300x250' },
    kind: { type: 'string', enum: [...CREATIVE_KINDS] },
    url: {
      type: 'string',
      description: 'Required for banner and video.',
      example: 'https://cdn.example.com/300x250.png',
    },
    width: { type: ['integer', 'null'], example: 300 },
    height: { type: ['integer', 'null'], example: 250 },
    body: { type: 'string', description: 'Ad copy; required for text.' },
  },
};

const campaignFields: Record<string, JsonSchema> = {
  name: { type: 'string', maxLength: 200, example: 'Casino Royale DE' },
  type: { type: 'string', enum: [...CAMPAIGN_TYPES] },
  category: { type: 'string', default: 'other', example: 'gambling' },
  description: { type: 'string', maxLength: 5000, default: '' },
  status: { type: 'string', enum: [...CAMPAIGN_STATUSES], default: 'active' },
  landing_url: {
    type: 'string',
    description:
      'Default landing URL template. Click macros: {clickid} {ref_id} {sub1}..{sub5} {campaign_id} {partner_id} {country} {device} {os} {browser} {landing_id}.',
    example: 'https://offer.example.com/lp?click={clickid}&s1={sub1}',
  },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'USD' },
  deeplink_domains: { type: 'array', items: { type: 'string', example: 'shop.example.com' }, default: [] },
  access: {
    type: 'string',
    enum: [...CAMPAIGN_ACCESS],
    default: 'approval',
    description: 'public: every active partner may run it; approval: only partners granted access.',
  },
  geo_targets: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2}$' }, default: [] },
  payouts: { type: 'array', items: ref('Payout'), minItems: 1, description: 'PATCH replaces the whole set.' },
  landings: { type: 'array', items: ref('Landing'), description: 'PATCH: by id; missing landings are archived.' },
  creatives: { type: 'array', items: ref('Creative'), description: 'PATCH replaces the whole set.' },
};

const page = (item: string): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: ref(item) },
    total: { type: 'integer', description: 'Matches across all pages.' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});

const itemResult = (statuses: string[]): JsonSchema => ({
  type: 'object',
  description: 'One result per item, in request order.',
  properties: {
    index: { type: 'integer' },
    status: { type: 'string', enum: statuses },
    conversion_id: { type: 'integer' },
    error: ref('ErrorDetail'),
  },
});

const metrics: Record<string, JsonSchema> = {
  clicks: { type: 'integer' },
  conversions: { type: 'integer', description: 'Pending + approved.' },
  by_type: { type: 'object', description: 'Conversions per type.', additionalProperties: { type: 'integer' } },
  approved: { type: 'integer' },
  pending: { type: 'integer' },
  declined: { type: 'integer' },
  cr: { type: ['number', 'null'], description: 'Conversions per click, percent.' },
  epc: { type: ['string', 'null'], description: 'Payout per click, decimal.' },
  payout: { type: 'string' },
  payout_approved: { type: 'string' },
  revenue: { type: 'string', description: 'Operator keys only.' },
  cost: { type: 'string', description: 'Operator keys only.' },
  profit: { type: 'string', description: 'Operator keys only.' },
  roi: { type: ['number', 'null'], description: 'Profit / cost, percent; operator keys only.' },
};

export const schemas: Record<string, JsonSchema> = {
  ErrorDetail: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', description: 'Stable snake_case code.', example: 'validation_failed' },
      message: {
        type: 'string',
        description: 'What is wrong and how to fix it.',
        example: 'timezone: must be an IANA time zone like Europe/Berlin or UTC',
      },
      field: { type: 'string', description: 'The input at fault, as a dotted path.', example: 'timezone' },
      issues: {
        type: 'array',
        description: 'All problems when there are several.',
        items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
  Error: { type: 'object', required: ['error'], properties: { error: ref('ErrorDetail') } },
  Partner: {
    type: 'object',
    properties: { id, ...partnerFields, min_payout: decimal('', '50.00'), created_at: isoTime, updated_at: isoTime },
  },
  PartnerCreate: {
    type: 'object',
    required: ['name', 'email'],
    properties: partnerFields,
    additionalProperties: false,
  },
  PartnerPatch: {
    type: 'object',
    description: 'Any subset of the fields; the rest keep their value.',
    properties: partnerFields,
    additionalProperties: false,
  },
  PartnerPage: page('Partner'),
  DigestSettings: {
    type: 'object',
    description: "The partner's e-mail digest: when it goes out (their local hour and weekday) and where.",
    properties: {
      cadence: { type: 'string', enum: ['daily', 'weekly', 'monthly', 'off'] },
      hour: { type: 'integer', minimum: 0, maximum: 23, example: 9 },
      weekday: { type: 'integer', minimum: 1, maximum: 7, description: '1 = Monday (weekly digests).', example: 1 },
      email: { type: 'string', format: 'email', example: 'ops@acme.example' },
      pending_email: {
        type: ['string', 'null'],
        description: 'A new address waiting for its confirmation link; digests go to it once confirmed.',
      },
      undeliverable: {
        type: ['object', 'null'],
        description: 'Set when the mail server refused the address for good (5xx): no digests until it changes.',
        properties: { at: isoTime, reason: { type: 'string' } },
      },
      is_default: { type: 'boolean', description: 'True while the partner has never changed the defaults.' },
    },
  },
  DigestSettingsPatch: {
    type: 'object',
    description: 'Any subset; a new email gets a confirmation mail first.',
    properties: {
      cadence: { type: 'string', enum: ['daily', 'weekly', 'monthly', 'off'] },
      hour: { type: 'integer', minimum: 0, maximum: 23 },
      weekday: { type: 'integer', minimum: 1, maximum: 7 },
      email: { type: 'string', format: 'email' },
    },
    additionalProperties: false,
  },
  Payout: payout,
  Landing: landing,
  Creative: creative,
  Campaign: {
    type: 'object',
    properties: {
      id,
      ...campaignFields,
      tracking_url: { type: 'string', example: 'http://localhost:3000/t/3?pid={partner_id}' },
      created_at: isoTime,
      updated_at: isoTime,
    },
  },
  CampaignCreate: {
    type: 'object',
    required: ['name', 'type', 'landing_url', 'payouts'],
    properties: campaignFields,
    additionalProperties: false,
  },
  CampaignPatch: { type: 'object', properties: campaignFields, additionalProperties: false },
  CampaignPage: page('Campaign'),
  Access: {
    type: 'object',
    properties: {
      partner_id: id,
      campaign_id: id,
      status: { type: 'string', enum: [...ACCESS_STATUSES] },
      created_at: isoTime,
    },
  },
  ConversionInput: {
    type: 'object',
    description: "RedTrack's S2S field names.",
    required: ['clickid'],
    properties: {
      clickid: { type: 'string', description: 'The {clickid} the tracking link delivered.' },
      sum: decimal('Revenue of the conversion.', '49.90'),
      payout: decimal('Alias of sum.', '49.90'),
      type: { type: 'string', description: 'A conversion type of the campaign; case-insensitive.', example: 'deposit' },
      status: {
        type: 'string',
        enum: ['pending', 'approved', 'declined'],
        description: `Default ${DEFAULT_CONVERSION_STATUS}.`,
      },
      txid: {
        type: 'string',
        maxLength: 128,
        description: 'Advertiser transaction id; (clickid, type, txid) is unique.',
      },
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: "The campaign's currency, if sent." },
    },
  },
  ConversionResult: {
    type: 'object',
    properties: {
      status: { type: 'string', example: 'ok' },
      conversion_id: { type: 'integer' },
      duplicate: {
        type: 'boolean',
        description: 'true: this (clickid, type, txid) was already recorded; nothing changed.',
      },
    },
  },
  UploadResponse: {
    type: 'object',
    properties: {
      created: { type: 'integer' },
      duplicates: { type: 'integer' },
      errors: { type: 'integer' },
      results: { type: 'array', items: itemResult(['created', 'duplicate', 'error']) },
    },
  },
  UpdateResponse: {
    type: 'object',
    properties: {
      updated: { type: 'integer' },
      unchanged: { type: 'integer' },
      errors: { type: 'integer' },
      results: { type: 'array', items: itemResult(['updated', 'unchanged', 'error']) },
    },
  },
  ConversionUpdate: {
    type: 'object',
    description: 'Find the conversion by conversion_id, by txid, or by clickid + type; then change it.',
    properties: {
      conversion_id: { type: 'integer' },
      txid: { type: 'string' },
      clickid: { type: 'string' },
      type: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'approved', 'declined'] },
      payout: decimal('New partner payout.', '30.00'),
      revenue: decimal('New revenue.', '60.00'),
    },
  },
  Cost: {
    type: 'object',
    required: ['campaign_id', 'time_from', 'time_to', 'cost', 'currency'],
    properties: {
      campaign_id: id,
      time_from: {
        type: 'string',
        description: 'Start (inclusive), UTC: "2026-11-01 00:00:00" or ISO 8601.',
        example: '2026-11-01 00:00:00',
      },
      time_to: { type: 'string', description: 'End (exclusive), UTC.', example: '2026-11-02 00:00:00' },
      cost: decimal('Spend to spread evenly over the clicks of the period and slice.', '120.00'),
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: "The campaign's currency." },
      partner_id: { type: 'integer', description: "Only this partner's clicks." },
      country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
      sub_name: { type: 'string', enum: ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] },
      sub_value: { type: 'string', description: 'Required with sub_name.' },
    },
  },
  CostResult: {
    type: 'object',
    properties: {
      status: { type: 'string', example: 'ok' },
      cost_id: { type: 'integer' },
      clicks: { type: 'integer', description: 'Clicks the cost was spread over.' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      previous_amount: { type: 'string', description: 'Cost those clicks carried before.' },
    },
  },
  Report: {
    type: 'object',
    description: 'Rows by the chosen group, and totals that equal the sum of the rows.',
    properties: {
      group: { type: 'string' },
      timezone: { type: 'string' },
      period: { type: 'string' },
      date_from: { type: 'string', format: 'date' },
      date_to: { type: 'string', format: 'date', description: 'Included.' },
      from: isoTime,
      to: { ...isoTime, description: 'Excluded: the period is [from, to).' },
      currency: { type: 'string' },
      partner_id: { type: ['integer', 'null'] },
      source: { type: 'string', enum: ['rollup', 'raw', 'mixed'] },
      types: { type: 'array', items: { type: 'string' }, description: 'Conversion types seen.' },
      rows: { type: 'array', items: ref('ReportRow') },
      totals: ref('ReportMetrics'),
    },
  },
  ReportMetrics: { type: 'object', properties: metrics },
  ReportRow: {
    type: 'object',
    properties: {
      key: { type: 'string', description: 'Machine value: campaign id, country code, YYYY-MM-DD, sub value ...' },
      label: { type: 'string', description: 'Human value: campaign name, the day ...' },
      ...metrics,
    },
  },
};
