import { bearer, pathId, q } from './openapi-paths.js';
import { errRef, json, type Operation, type PathItem, ref } from './openapi-types.js';

/** Partner and campaign administration routes of the OpenAPI document (admin API keys only). */

const admin = (tag: string, op: Omit<Operation, 'security' | 'tags'>): Operation => ({
  ...op,
  tags: [tag],
  security: bearer,
  responses: {
    '400': errRef('BadRequest'),
    '401': errRef('Unauthorized'),
    '403': errRef('Forbidden'),
    ...op.responses,
  },
});

const paging = [
  q('limit', 'Page size, 1-500.', { type: 'integer', default: 50, minimum: 1, maximum: 500 }),
  q('offset', 'Items to skip.', { type: 'integer', default: 0, minimum: 0 }),
  q('search', 'Case-insensitive substring match.'),
];
const ok = (description: string, schema: string) => ({ description, content: json(ref(schema)) });

export const adminPaths: Record<string, PathItem> = {
  '/api/v1/partners': {
    get: admin('partners', {
      operationId: 'listPartners',
      summary: 'List partners',
      description: 'By id; search matches name, email and company.',
      parameters: [
        ...paging,
        q('status', 'Only this status.', { type: 'string', enum: ['pending', 'active', 'suspended'] }),
      ],
      responses: { '200': ok('A page of partners.', 'PartnerPage') },
    }),
    post: admin('partners', {
      operationId: 'createPartner',
      summary: 'Create a partner',
      requestBody: {
        required: true,
        content: json(ref('PartnerCreate'), {
          name: 'Acme Media',
          email: 'ops@acme.example',
          timezone: 'Europe/Berlin',
        }),
      },
      responses: { '201': ok('Created.', 'Partner'), '409': errRef('Conflict') },
    }),
  },
  '/api/v1/partners/{id}': {
    get: admin('partners', {
      operationId: 'getPartner',
      summary: 'Get a partner',
      parameters: [pathId('id', 'partner')],
      responses: { '200': ok('The partner.', 'Partner'), '404': errRef('NotFound') },
    }),
    patch: admin('partners', {
      operationId: 'updatePartner',
      summary: 'Change a partner',
      parameters: [pathId('id', 'partner')],
      requestBody: { required: true, content: json(ref('PartnerPatch'), { status: 'suspended' }) },
      responses: { '200': ok('The changed partner.', 'Partner'), '404': errRef('NotFound'), '409': errRef('Conflict') },
    }),
  },
  '/api/v1/partners/{id}/digest': {
    get: admin('partners', {
      operationId: 'getPartnerDigest',
      summary: "Get a partner's digest settings",
      parameters: [pathId('id', 'partner')],
      responses: { '200': ok('The digest settings.', 'DigestSettings'), '404': errRef('NotFound') },
    }),
    patch: admin('partners', {
      operationId: 'updatePartnerDigest',
      summary: "Change a partner's digest settings",
      description: 'A new address receives a confirmation link and gets digests only once it is confirmed.',
      parameters: [pathId('id', 'partner')],
      requestBody: {
        required: true,
        content: json(ref('DigestSettingsPatch'), { cadence: 'weekly', weekday: 1, hour: 9 }),
      },
      responses: {
        '200': ok('The changed settings.', 'DigestSettings'),
        '400': errRef('BadRequest'),
        '404': errRef('NotFound'),
      },
    }),
  },
  '/api/v1/campaigns': {
    get: admin('campaigns', {
      operationId: 'listCampaigns',
      summary: 'List campaigns',
      description: 'By id, with payouts, landings and creatives; search matches name and description.',
      parameters: [
        ...paging,
        q('status', 'Only this status.', { type: 'string', enum: ['active', 'paused', 'archived'] }),
        q('type', 'Only this type.', { type: 'string', enum: ['cpa', 'cpl', 'cps', 'revshare'] }),
        q('category', 'Only this category.'),
      ],
      responses: { '200': ok('A page of campaigns.', 'CampaignPage') },
    }),
    post: admin('campaigns', {
      operationId: 'createCampaign',
      summary: 'Create a campaign',
      description: 'With its payouts, landings and creatives, in one transaction.',
      requestBody: {
        required: true,
        content: json(ref('CampaignCreate'), {
          name: 'Casino Royale DE',
          type: 'cpa',
          category: 'gambling',
          landing_url: 'https://casino.example.com/lp?click={clickid}',
          payouts: [
            { type: 'registration', amount: '2.50' },
            { type: 'deposit', amount: '40.00' },
          ],
        }),
      },
      responses: { '201': ok('Created.', 'Campaign') },
    }),
  },
  '/api/v1/campaigns/{id}': {
    get: admin('campaigns', {
      operationId: 'getCampaign',
      summary: 'Get a campaign',
      parameters: [pathId('id', 'campaign')],
      responses: {
        '200': ok('The campaign with payouts, landings and creatives.', 'Campaign'),
        '404': errRef('NotFound'),
      },
    }),
    patch: admin('campaigns', {
      operationId: 'updateCampaign',
      summary: 'Change a campaign',
      parameters: [pathId('id', 'campaign')],
      requestBody: { required: true, content: json(ref('CampaignPatch'), { status: 'paused' }) },
      responses: { '200': ok('The changed campaign.', 'Campaign'), '404': errRef('NotFound') },
    }),
  },
  '/api/v1/campaigns/{id}/partners': {
    get: admin('campaigns', {
      operationId: 'listCampaignAccess',
      summary: "List partners' access to a campaign",
      parameters: [pathId('id', 'campaign')],
      responses: {
        '200': {
          description: 'Access rows.',
          content: json({ type: 'object', properties: { items: { type: 'array', items: ref('Access') } } }),
        },
        '404': errRef('NotFound'),
      },
    }),
  },
  '/api/v1/campaigns/{id}/partners/{partnerId}': {
    put: admin('campaigns', {
      operationId: 'setCampaignAccess',
      summary: "Set a partner's access to a campaign",
      description:
        'approved lets the partner run an approval-only campaign; pending records an application; rejected refuses it.',
      parameters: [pathId('id', 'campaign'), pathId('partnerId', 'partner')],
      requestBody: {
        required: true,
        content: json(
          {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: ['approved', 'pending', 'rejected'] } },
          },
          { status: 'approved' },
        ),
      },
      responses: { '200': ok('The access row.', 'Access'), '404': errRef('NotFound') },
    }),
  },
};
