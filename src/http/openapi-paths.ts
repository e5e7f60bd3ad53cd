import { REPORT_GROUPS } from '../domain/report-dimensions.js';
import { schemas } from './openapi-schemas.js';
import { errRef, json, type Operation, type Parameter, type PathItem, ref } from './openapi-types.js';

/** Tracking, postback, conversions, costs, report and operations routes of the OpenAPI document. */

export const bearer = [{ bearerAuth: [] }];
export const pathId = (name: string, what: string): Parameter => ({
  name,
  in: 'path',
  required: true,
  description: `Id of the ${what}.`,
  schema: { type: 'integer', minimum: 1 },
});
export const q = (name: string, description: string, schema: Parameter['schema'] = { type: 'string' }): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
});

const conversionParams: Parameter[] = ['clickid', 'sum', 'payout', 'type', 'status', 'txid', 'currency'].map((n) => {
  const schema = schemas['ConversionInput']?.properties?.[n] ?? { type: 'string' };
  return { ...q(n, schema.description ?? n, schema), ...(n === 'clickid' && { required: true }) };
});

const postback = (method: 'get' | 'post'): Operation => ({
  operationId: method === 'get' ? 'postback' : 'postbackPost',
  summary: 'Record a conversion (advertiser S2S)',
  description:
    'RedTrack-style postback; no API key (the unguessable click id is the credential). A repeat of (clickid, type, txid) answers 200 with duplicate: true and changes nothing. POST may carry the fields as a form or JSON body; body fields win over the query.',
  tags: ['tracking'],
  parameters: conversionParams,
  ...(method === 'post' && {
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': { schema: ref('ConversionInput') },
        ...json(ref('ConversionInput')),
      },
    },
  }),
  responses: {
    '200': {
      description: 'Recorded, or a duplicate.',
      content: json(ref('ConversionResult'), { status: 'ok', conversion_id: 41, duplicate: false }),
    },
    '400': errRef('BadRequest'),
    '404': errRef('NotFound'),
  },
});

const withKey = (op: Omit<Operation, 'security'>): Operation => ({
  ...op,
  security: bearer,
  responses: {
    '400': errRef('BadRequest'),
    '401': errRef('Unauthorized'),
    '403': errRef('Forbidden'),
    ...op.responses,
  },
});

export const trafficPaths: Record<string, PathItem> = {
  '/t/{campaignId}': {
    get: {
      operationId: 'trackClick',
      summary: 'Tracking link: record a click and redirect',
      description:
        'Records a click and answers 302 to the landing URL with {clickid} and the other click macros filled (only after the click is stored). With deeplink, to that page instead when allowed. Unknown, paused or unapproved campaign or partner: 404, nothing recorded. Country from a CDN header when present, else GeoIP; device, os and browser from the user agent.',
      tags: ['tracking'],
      parameters: [
        pathId('campaignId', 'campaign'),
        { ...q('pid', 'Partner id.', { type: 'integer' }), required: true },
        q('ref_id', "The partner's own click id (what stood where {replace_me} was)."),
        ...[1, 2, 3, 4, 5].map((i) => q(`sub${i}`, `Free sub-id ${i}.`)),
        q('lp', "Landing id of the campaign; the campaign's default otherwise.", { type: 'integer' }),
        q(
          'deeplink',
          "A page to send the visitor to instead of a landing: an absolute http(s) URL, URL-encoded, at most 2048 characters, whose host is one of the campaign's deeplink_domains or a subdomain of one. Click macros in it are filled like in landing URLs; the click is stored with landing_id null. Any other URL (other host, javascript: or another scheme) is not followed: the visitor goes to the landing, so the link is never an open redirect.",
          { type: 'string', format: 'uri' },
        ),
      ],
      responses: {
        '302': {
          description: 'Redirect to the landing, or to the allowed deeplink.',
          headers: { Location: { description: 'The filled landing or deeplink URL.', schema: { type: 'string' } } },
        },
        '400': errRef('BadRequest'),
        '404': errRef('NotFound'),
        '503': errRef('Unavailable'),
      },
    },
  },
  '/postback': { get: postback('get'), post: postback('post') },
  '/api/v1/conversions': {
    post: withKey({
      operationId: 'uploadConversions',
      summary: 'Upload conversions',
      description:
        'Up to 1000 conversions with the postback fields, as an array or {"conversions": [...]}. One malformed item: 400 naming "[index].field", nothing written. Otherwise each item is created, a duplicate, or an error of its own (unknown click, type ...).',
      tags: ['conversions'],
      requestBody: {
        required: true,
        content: json({ type: 'array', items: ref('ConversionInput') }, [
          { clickid: 'Zb3...', type: 'deposit', sum: '120.00', txid: 'T-1001', status: 'pending' },
        ]),
      },
      responses: { '200': { description: 'Per-item results.', content: json(ref('UploadResponse')) } },
    }),
  },
  '/api/v1/conversions/update': {
    post: withKey({
      operationId: 'updateConversions',
      summary: 'Change status, payout or revenue of conversions',
      description:
        'Up to 1000 changes, each naming its conversion by conversion_id, txid, or clickid + type. pending, approved and declined in any direction; the ledger, referral commission and reports follow every change. A revenue change recomputes a revshare payout unless payout is given.',
      tags: ['conversions'],
      requestBody: {
        required: true,
        content: json({ type: 'array', items: ref('ConversionUpdate') }, [{ conversion_id: 41, status: 'approved' }]),
      },
      responses: { '200': { description: 'Per-item results.', content: json(ref('UpdateResponse')) } },
    }),
  },
  '/api/v1/costs': {
    post: withKey({
      operationId: 'uploadCost',
      summary: 'Upload a cost',
      description:
        "RedTrack's update-cost fields. The cost replaces what the campaign's clicks in [time_from, time_to) (and the optional partner, country, sub slice) carried, spread evenly over them, so reports show cost, profit and ROI.",
      tags: ['reports'],
      requestBody: { required: true, content: json(ref('Cost')) },
      responses: { '200': { description: 'Spread over the matching clicks.', content: json(ref('CostResult')) } },
    }),
  },
  '/api/v1/report': {
    get: withKey({
      operationId: 'report',
      summary: 'Report',
      description:
        'Served from rollups. Admin keys see every partner (or one with partner_id); partner keys see only their own partner and no operator figures. Period: `period` (today, yesterday, 7d, 30d, mtd, last week, 2026-11-01..2026-11-15) or date_from/date_to (local dates, date_to included); default the last 7 days.',
      tags: ['reports'],
      parameters: [
        q('group', `One of ${REPORT_GROUPS.join(', ')} (partner: admin keys only).`, {
          type: 'string',
          enum: [...REPORT_GROUPS],
          default: 'day',
        }),
        q('period', 'A period word instead of dates.', { type: 'string', example: '30d' }),
        q('date_from', 'First day, YYYY-MM-DD in the timezone.', { type: 'string', format: 'date' }),
        q('date_to', 'Last day (included), YYYY-MM-DD.', { type: 'string', format: 'date' }),
        q('partner_id', 'One partner (admin keys).', { type: 'integer' }),
        q('campaign_id', 'One campaign.', { type: 'integer' }),
        q('country', 'One country, 2-letter code.', { type: 'string' }),
        q('timezone', "IANA zone; default the partner's, else UTC.", { type: 'string' }),
        q(
          'currency',
          "Report currency when partners are paid in several: a report over all partners that mixes currencies answers 400 mixed_currencies until currency= is given (it then covers the partners paid in it). One partner_id reports in that partner's currency.",
          { type: 'string', example: 'EUR' },
        ),
        q('format', 'json or csv.', { type: 'string', enum: ['json', 'csv'], default: 'json' }),
      ],
      responses: {
        '200': {
          description: 'The report.',
          content: { ...json(ref('Report')), 'text/csv': { schema: { type: 'string' } } },
        },
      },
    }),
  },
  '/healthz': {
    get: {
      operationId: 'health',
      summary: 'Health',
      description: 'Checks the database and Redis. A role without Redis reports redis: not_configured and is healthy.',
      tags: ['operations'],
      responses: {
        '200': {
          description: 'Everything answers.',
          content: json({ type: 'object' }, { status: 'ok', db: 'ok', redis: 'ok' }),
        },
        '503': {
          description: 'A part is failing; the body names it.',
          content: json({ type: 'object' }, { status: 'error', db: 'ok', redis: 'error: connect ECONNREFUSED' }),
        },
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      responses: {
        '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
  '/docs': {
    get: {
      operationId: 'docs',
      summary: 'This document as HTML; the JSON is at /docs/openapi.json',
      tags: ['operations'],
      responses: { '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};
