import { CONVERSION_STATUSES } from '../domain/conversion-status.js';
import { MAX_POSTBACK_BODY_LENGTH, MAX_POSTBACK_URL_LENGTH, POSTBACK_MACROS } from '../domain/postback-macros.js';
import { type JsonSchema, ref } from './openapi-types.js';

/**
 * Component schemas of the partner postback relay (routes/postbacks-api.ts). The macro list and statuses come
 * from the domain, so a new macro shows up here without anyone remembering to add it.
 */

const id: JsonSchema = { type: 'integer', minimum: 1, example: 7 };
const isoTime: JsonSchema = { type: 'string', format: 'date-time', example: '2026-11-24T10:00:00.000Z' };
const nullableTime: JsonSchema = { ...isoTime, type: ['string', 'null'] };
const macroList = POSTBACK_MACROS.map((m) => `{${m}}`).join(' ');

const url: JsonSchema = {
  type: 'string',
  maxLength: MAX_POSTBACK_URL_LENGTH,
  description: `http(s) URL template. Macros (values URL-encoded, a missing value becomes empty): ${macroList}. {aff_payout} is a decimal string, {conversion_time} unix seconds, {postback_id} stays the same across retries and replays of one delivery. Saving refuses unknown macros (with a "did you mean"), {replace_me} (that belongs in the tracking link; write {ref_id}), macros in the host, port or fragment, user:password@, and a host that resolves to a private, loopback or link-local address unless the server runs with POSTBACK_ALLOW_PRIVATE_NETWORKS.`,
  example: 'https://tracker.example.com/pb?click={ref_id}&payout={aff_payout}&tx={txid}',
};
const method: JsonSchema = { type: 'string', enum: ['GET', 'POST'], description: 'Case-insensitive.' };
const bodyFormat: JsonSchema = {
  type: 'string',
  enum: ['none', 'form', 'json'],
  description:
    'POST only. form: a=b&c={txid}, values URL-encoded. json: a macro inside a JSON string is escaped into it; a bare macro becomes a whole JSON string ("payout": {aff_payout} -> "payout": "12.50").',
};
const bodyTemplate: JsonSchema = {
  type: 'string',
  maxLength: MAX_POSTBACK_BODY_LENGTH,
  description: 'Body template with the same macros as the URL.',
};

const postbackFields: Record<string, JsonSchema> = {
  partner_id: {
    ...id,
    description: 'Whose postback. Required with an admin key; a partner key may omit it (its own partner).',
  },
  campaign_id: { type: ['integer', 'null'], description: 'One campaign; null = every campaign of the partner.' },
  url,
  method: { ...method, default: 'GET' },
  body_format: {
    ...bodyFormat,
    description: `${bodyFormat.description} Default: form for POST with a body, else none.`,
  },
  body_template: { ...bodyTemplate, default: '' },
  conversion_types: {
    type: 'array',
    maxItems: 50,
    items: { type: 'string', maxLength: 64 },
    default: [],
    description: 'Only these conversion types (case-insensitive); empty = every type.',
    example: ['sale', 'deposit'],
  },
  statuses: {
    type: 'array',
    items: { type: 'string', enum: [...CONVERSION_STATUSES] },
    default: [],
    description: 'Only conversions in these statuses; empty = every status.',
    example: ['approved'],
  },
  on_status_change: {
    type: 'boolean',
    default: false,
    description:
      'Also fire when a conversion changes status (within the statuses filter). Without it a conversion fires once when it is created, and once more when it first enters the filter (pending -> approved for an approved-only postback).',
  },
  enabled: {
    type: 'boolean',
    default: true,
    description: 'Re-enabling a postback the relay disabled (e.g. after a 410 Gone) clears disabled_reason.',
  },
};
// PATCH: an absent field keeps its value, so no defaults; the partner cannot change.
const patchFields = Object.fromEntries(
  Object.entries(postbackFields)
    .filter(([name]) => name !== 'partner_id')
    .map(([name, { default: _, ...schema }]) => [name, schema]),
);

const attempt: Record<string, JsonSchema> = {
  id,
  kind: { type: 'string', enum: ['delivery', 'test'], description: 'test: a test fire, part of no delivery.' },
  at: isoTime,
  url: { type: 'string', description: 'The URL as sent.' },
  method,
  status: { type: ['integer', 'null'] },
  duration_ms: { type: 'integer' },
  error_class: { type: ['string', 'null'] },
  error_message: { type: ['string', 'null'] },
  response_snippet: { type: 'string', description: "Start of the receiver's answer (up to 1 KiB)." },
};

const delivery: Record<string, JsonSchema> = {
  id,
  postback_id: id,
  partner_id: id,
  conversion_id: id,
  event: {
    type: 'string',
    description: 'created for a new conversion, status:<new status> for a status change.',
    example: 'status:approved',
  },
  status: { type: 'string', enum: [...CONVERSION_STATUSES], description: 'Conversion status the event carries.' },
  state: {
    type: 'string',
    enum: ['pending', 'delivered', 'dead'],
    description:
      'dead: the retry schedule (about 3 days) ran out, the receiver refused it, or the postback was disabled.',
  },
  attempts: { type: 'integer', description: 'Attempts since the delivery was created or last replayed.' },
  next_attempt_at: { ...nullableTime, description: 'Pending deliveries only.' },
  last_status: { type: ['integer', 'null'], description: 'HTTP status of the last attempt.' },
  last_error_class: {
    type: ['string', 'null'],
    description:
      'Why the last attempt got no usable answer: timeout, refused, dns, tls, blocked, reset, unreachable, protocol, invalid_url, aborted, other; gone or postback_disabled when the postback was disabled.',
  },
  last_attempt_at: nullableTime,
  delivered_at: nullableTime,
  created_at: isoTime,
};

export const postbackSchemas: Record<string, JsonSchema> = {
  Postback: {
    type: 'object',
    properties: {
      id,
      ...postbackFields,
      partner_id: id,
      disabled_reason: {
        type: ['string', 'null'],
        description: 'Set when the relay disabled the postback (e.g. the endpoint answered 410 Gone).',
      },
      created_at: isoTime,
      updated_at: isoTime,
      preview_url: {
        type: 'string',
        description: 'GET responses only: the URL filled with the sample conversion.',
        example: 'https://tracker.example.com/pb?click=your-click-id-123&payout=12.50&tx=TX-100042',
      },
    },
  },
  PostbackList: { type: 'object', properties: { items: { type: 'array', items: ref('Postback') } } },
  PostbackCreate: {
    type: 'object',
    required: ['url'],
    properties: postbackFields,
    additionalProperties: false,
  },
  PostbackPatch: {
    type: 'object',
    description:
      'Any subset of the fields; the result is checked as a whole, as on create. Method GET resets body_format to none.',
    properties: patchFields,
    additionalProperties: false,
  },
  PostbackPreviewRequest: {
    type: 'object',
    required: ['url'],
    properties: {
      url,
      body_format: { ...bodyFormat, default: 'none' },
      body_template: { ...bodyTemplate, default: '' },
    },
  },
  PostbackPreview: {
    type: 'object',
    properties: {
      url: { type: 'string', description: 'The URL filled with the sample conversion.' },
      body: { type: ['string', 'null'], description: 'The filled body; null when body_format is none.' },
      sample: {
        type: 'object',
        description: 'The sample conversion, macro name -> value.',
        additionalProperties: { type: 'string' },
      },
    },
  },
  PostbackTestRequest: {
    type: 'object',
    properties: {
      url: { ...url, description: 'Unsaved test only (required there); checked as when saved.' },
      method: { ...method, description: 'Unsaved test only; anything but POST means GET.', default: 'GET' },
      body_format: { ...bodyFormat, description: 'Unsaved test only; anything else means none.', default: 'none' },
      body_template: { ...bodyTemplate, description: 'Unsaved test only.', default: '' },
      conversion_id: {
        ...id,
        description:
          "Send this conversion's values instead of the sample conversion ({postback_id} becomes test-<id>). With a partner key it must be the partner's own.",
      },
    },
  },
  PostbackTestResult: {
    type: 'object',
    description:
      'One send, now, through the same SSRF-safe client as real deliveries; never retried. The receiver saying no (ok false) is still a 200. Fields are named as in Attempt: a test of a saved postback is also logged as an attempt of kind test.',
    properties: {
      url: { type: 'string', description: 'The URL as sent, macros filled.' },
      method,
      body: { type: ['string', 'null'], description: 'The request body sent (POST postbacks); null for GET.' },
      ok: { type: 'boolean', description: 'The receiver answered 2xx.' },
      status: { type: ['integer', 'null'], description: 'HTTP status; null when no answer arrived.' },
      duration_ms: { type: 'integer' },
      response_snippet: { type: 'string', description: "Start of the receiver's answer." },
      error_class: {
        type: ['string', 'null'],
        description: 'timeout, refused, dns, tls, blocked ... when no answer.',
      },
      error_message: { type: ['string', 'null'] },
    },
  },
  Delivery: { type: 'object', description: 'One event sent (or to be sent) to one postback.', properties: delivery },
  DeliveryPage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: ref('Delivery') },
      next_before_id: {
        type: ['integer', 'null'],
        description: 'Pass as before_id for the next page; null on the last page.',
      },
    },
  },
  Attempt: { type: 'object', properties: attempt },
  TestFire: {
    type: 'object',
    description: 'An attempt of kind test: sent once on request, part of no delivery, never retried.',
    properties: {
      ...attempt,
      kind: { type: 'string', enum: ['test'] },
      postback_id: { type: ['integer', 'null'], description: 'null: a URL tested before it was saved.' },
      partner_id: { type: ['integer', 'null'] },
    },
  },
  TestFirePage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: ref('TestFire') },
      next_before_id: {
        type: ['integer', 'null'],
        description: 'Pass as before_id for the next page; null on the last page.',
      },
    },
  },
  DeliveryDetail: {
    type: 'object',
    properties: {
      ...delivery,
      attempts_log: {
        type: 'array',
        items: ref('Attempt'),
        description: 'Every attempt, newest first (up to 100), including those before a replay.',
      },
    },
  },
  ReplayRequest: {
    type: 'object',
    description: 'Name at least one of partner_id, postback_id, delivery_ids (a partner key names its own partner).',
    properties: {
      partner_id: { ...id, description: 'Admin keys; a partner key may only give its own.' },
      postback_id: id,
      delivery_ids: { type: 'array', items: id, maxItems: 10000 },
      from: {
        type: ['string', 'integer'],
        description: 'Deliveries created at or after: ISO time or epoch ms.',
        example: '2026-11-01T00:00:00Z',
      },
      to: { type: ['string', 'integer'], description: 'Created before (excluded): ISO time or epoch ms.' },
      state: {
        type: 'string',
        enum: ['dead', 'delivered', 'pending', 'any'],
        description: 'Default dead; with delivery_ids the default is any.',
      },
    },
  },
};
