import { bearer, pathId, q } from './openapi-paths.js';
import { errRef, json, type Operation, type PathItem, type ResponseObject, ref } from './openapi-types.js';

/**
 * Partner postback relay routes of the OpenAPI document (routes/postbacks-api.ts): postback settings, test
 * fire, delivery log and replay. Admin keys see every partner's; a partner key only its own partner's.
 */

export const postbackTag = {
  name: 'postbacks',
  description:
    "Partner postbacks: where partnerdesk tells a partner's tracker about its conversions, the delivery log and replays (admin key: every partner; partner key: its own partner only).",
};

const error = (code: string, message: string, field?: string) => ({
  error: { code, message, ...(field && { field }) },
});

const forbidden: ResponseObject = {
  description:
    'A partner key tied to no partner (key_without_partner), or a partner key naming another partner (not_your_partner).',
  content: json(
    ref('Error'),
    error('not_your_partner', 'a partner key may only create postbacks for its own partner', 'partner_id'),
  ),
};
const postbackNotFound: ResponseObject = {
  description: "No such postback: unknown, deleted, or another partner's (a partner key is never told which).",
  content: json(
    ref('Error'),
    error('postback_not_found', 'no postback 7; list yours with GET /api/v1/postbacks', 'id'),
  ),
};
const refused: ResponseObject = {
  description:
    'Refused; nothing saved or sent. The code is the first problem found: validation_failed, unknown_field, invalid_id, missing_partner_id, unknown_partner, unknown_campaign; URL: empty, too_long, whitespace, invalid_scheme (http/https only), unknown_macro, replace_me_in_postback, stray_brace, unclosed_brace, empty_macro, double_brace, encoded_macro, macro_in_host, userinfo, macro_in_fragment, invalid_url, postback_host_blocked (resolves to a private address), postback_host_unresolvable (the name does not exist); body: body_needs_post, invalid_json. When our DNS resolver fails (timeout, SERVFAIL) the answer is 503 postback_host_unchecked instead: nothing is wrong with the URL, try again.',
  content: json(ref('Error'), error('unknown_macro', 'unknown macro {payout}: did you mean {aff_payout}?', 'url')),
};

const op = (o: Omit<Operation, 'security' | 'tags'>): Operation => ({
  ...o,
  tags: [postbackTag.name],
  security: bearer,
  responses: { '400': errRef('BadRequest'), '401': errRef('Unauthorized'), '403': forbidden, ...o.responses },
});
const ok = (description: string, schema: string) => ({ description, content: json(ref(schema)) });
const postbackId = pathId('id', 'postback');
const testBody = (example: unknown) => ({ content: json(ref('PostbackTestRequest'), example) });

export const postbackPaths: Record<string, PathItem> = {
  '/api/v1/postbacks': {
    get: op({
      operationId: 'listPostbacks',
      summary: 'List postbacks',
      description: 'By id, each with preview_url. A partner key lists its own partner only and ignores partner_id.',
      parameters: [
        q('partner_id', 'One partner (admin keys).', { type: 'integer', minimum: 1 }),
        q('campaign_id', 'Postbacks of one campaign.', { type: 'integer', minimum: 1 }),
      ],
      responses: { '200': ok('Every matching postback (no paging).', 'PostbackList') },
    }),
    post: op({
      operationId: 'createPostback',
      summary: 'Create a postback',
      description:
        'Checked as a whole before anything is written: known macros only, http or https, and a host that resolves to public addresses (unless POSTBACK_ALLOW_PRIVATE_NETWORKS). A global postback (campaign_id null) and a campaign one that both match both fire.',
      requestBody: {
        required: true,
        content: json(ref('PostbackCreate'), {
          partner_id: 3,
          url: 'https://tracker.example.com/pb?click={ref_id}&payout={aff_payout}&tx={txid}',
          statuses: ['approved'],
        }),
      },
      responses: { '201': ok('Created.', 'Postback'), '400': refused },
    }),
  },
  '/api/v1/postbacks/preview': {
    post: op({
      operationId: 'previewPostback',
      summary: 'Preview a postback URL',
      description:
        'Fills the URL (and body) with the sample conversion. Syntax checks only, no DNS, nothing saved or sent: quick to iterate on.',
      requestBody: {
        required: true,
        content: json(ref('PostbackPreviewRequest'), { url: 'https://tracker.example.com/pb?click={ref_id}' }),
      },
      responses: { '200': ok('The filled URL and body.', 'PostbackPreview'), '400': refused },
    }),
  },
  '/api/v1/postbacks/test': {
    post: op({
      operationId: 'testUnsavedPostback',
      summary: 'Test-fire an unsaved postback URL',
      description:
        'Checks the URL as saving would, then sends it once, now, with the sample conversion (or conversion_id). Not logged: there is no postback to log it under.',
      requestBody: {
        required: true,
        ...testBody({ url: 'https://tracker.example.com/pb?click={ref_id}&payout={aff_payout}' }),
      },
      responses: {
        '200': ok('What was sent and what came back.', 'PostbackTestResult'),
        '400': refused,
        '404': {
          description: "conversion_not_found: no such conversion, or not this partner's.",
          content: json(ref('Error')),
        },
      },
    }),
  },
  '/api/v1/postbacks/{id}': {
    get: op({
      operationId: 'getPostback',
      summary: 'Get a postback',
      parameters: [postbackId],
      responses: { '200': ok('The postback with preview_url.', 'Postback'), '404': postbackNotFound },
    }),
    patch: op({
      operationId: 'updatePostback',
      summary: 'Change a postback',
      description: 'Any subset of the fields, checked as on create. enabled: true clears disabled_reason.',
      parameters: [postbackId],
      requestBody: { required: true, content: json(ref('PostbackPatch'), { enabled: true }) },
      responses: { '200': ok('The changed postback.', 'Postback'), '400': refused, '404': postbackNotFound },
    }),
    delete: op({
      operationId: 'deletePostback',
      summary: 'Delete a postback',
      description:
        'Soft: it stops firing and disappears from lists, but its deliveries and attempts stay in the log; pending deliveries end dead (postback_disabled).',
      parameters: [postbackId],
      responses: {
        '200': {
          description: 'Deleted.',
          content: json(
            { type: 'object', properties: { id: { type: 'integer' }, deleted: { type: 'boolean' } } },
            { id: 7, deleted: true },
          ),
        },
        '404': postbackNotFound,
      },
    }),
  },
  '/api/v1/postbacks/{id}/test': {
    post: op({
      operationId: 'testPostback',
      summary: 'Test-fire a saved postback',
      description:
        'Sends it once, now, with the sample conversion (or conversion_id), through the same SSRF-safe client as real deliveries. Logged as an attempt of kind test; no delivery changes and nothing is retried.',
      parameters: [postbackId],
      requestBody: { ...testBody({ conversion_id: 41 }) },
      responses: { '200': ok('What was sent and what came back.', 'PostbackTestResult'), '404': postbackNotFound },
    }),
  },
  '/api/v1/deliveries': {
    get: op({
      operationId: 'listDeliveries',
      summary: 'List deliveries',
      description:
        'Newest first; page with before_id = next_before_id. A partner key sees its own partner only and ignores partner_id.',
      parameters: [
        q('postback_id', 'One postback.', { type: 'integer', minimum: 1 }),
        q('state', 'One state.', { type: 'string', enum: ['pending', 'delivered', 'dead'] }),
        q('partner_id', 'One partner (admin keys).', { type: 'integer', minimum: 1 }),
        q('conversion_id', "One conversion's deliveries.", { type: 'integer', minimum: 1 }),
        q('before_id', 'Only ids below this one (the next page).', { type: 'integer', minimum: 1 }),
        q('limit', 'Page size, up to 500.', { type: 'integer', default: 50, minimum: 1, maximum: 500 }),
      ],
      responses: { '200': ok('A page of deliveries.', 'DeliveryPage') },
    }),
  },
  '/api/v1/deliveries/tests': {
    get: op({
      operationId: 'listTestFires',
      summary: 'List test fires',
      description:
        "Every test fire (POST /api/v1/postbacks/test and /postbacks/{id}/test, and the chat bot's postback test and guided set-up), newest first, each an Attempt of kind test with its postback_id (null for a URL tested before it was saved). They belong to no delivery and are never retried. A partner key sees its own partner only.",
      parameters: [
        q('postback_id', 'One postback.', { type: 'integer', minimum: 1 }),
        q('partner_id', 'One partner (admin keys).', { type: 'integer', minimum: 1 }),
        q('before_id', 'Only ids below this one (the next page).', { type: 'integer', minimum: 1 }),
        q('limit', 'Page size, up to 500.', { type: 'integer', default: 50, minimum: 1, maximum: 500 }),
      ],
      responses: { '200': ok('A page of test fires.', 'TestFirePage') },
    }),
  },
  '/api/v1/deliveries/{id}': {
    get: op({
      operationId: 'getDelivery',
      summary: 'Get a delivery with its attempts',
      parameters: [pathId('id', 'delivery')],
      responses: {
        '200': ok('The delivery and every attempt, newest first.', 'DeliveryDetail'),
        '404': {
          description: "delivery_not_found: unknown, or another partner's.",
          content: json(
            ref('Error'),
            error('delivery_not_found', 'no delivery 9; list them with GET /api/v1/deliveries', 'id'),
          ),
        },
      },
    }),
  },
  '/api/v1/deliveries/replay': {
    post: op({
      operationId: 'replayDeliveries',
      summary: 'Replay deliveries',
      description:
        'Puts the matching deliveries (dead ones unless state or delivery_ids say otherwise, created in [from, to)) back to pending with a fresh retry schedule. Each keeps its id, so the receiver sees the same {postback_id}; the attempt log keeps earlier tries. Deliveries of disabled postbacks are skipped: enable the postback first. 400 replay_too_broad when nothing narrows it; invalid_time for a bad from/to.',
      requestBody: {
        required: true,
        content: json(ref('ReplayRequest'), { postback_id: 7, from: '2026-11-01T00:00:00Z' }),
      },
      responses: {
        '200': {
          description: 'How many deliveries were put back to pending.',
          content: json({ type: 'object', properties: { count: { type: 'integer' } } }, { count: 12 }),
        },
      },
    }),
  },
};
