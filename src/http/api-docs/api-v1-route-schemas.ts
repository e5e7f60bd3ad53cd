import { AccessSchema, CreateCampaignSchema, UpdateCampaignSchema } from '../../app/admin/campaign-input.js';
import { ListCampaignsQuery } from '../../app/admin/list-campaigns.js';
import { ListPartnersQuery } from '../../app/admin/list-partners.js';
import { CreatePartnerSchema, UpdatePartnerSchema } from '../../app/admin/partner-input.js';
import { CostInput } from '../../app/conversions/ingest-costs.js';
import { ReportRequestSchema } from '../../app/reports/report-request-schema.js';
import { E, keyed, ok, withId } from './describe.js';
import * as R from './response-schemas.js';
import * as W from './wire-schemas.js';

/** The `schema` of the administration, conversion, cost and report routes under /api/v1 (see describe.ts). */

// Admin: partners and campaigns.
export const adminSchemas = {
  listPartners: keyed('partners', 'List partners', {
    querystring: ListPartnersQuery,
    response: { 200: ok(R.PartnerPage) },
  }),
  createPartner: keyed('partners', 'Create a partner', {
    body: CreatePartnerSchema.meta({ examples: [{ name: 'Acme Media', email: 'ops@acme.example', currency: 'EUR' }] }),
    response: { 201: ok(R.Partner, 'Created'), 409: E[409] },
  }),
  getPartner: keyed('partners', 'Get a partner', {
    params: withId('partner'),
    response: { 200: ok(R.Partner), 404: E[404] },
  }),
  updatePartner: keyed('partners', 'Change a partner', {
    params: withId('partner'),
    body: UpdatePartnerSchema.meta({ examples: [{ status: 'suspended' }] }),
    response: { 200: ok(R.Partner), 404: E[404], 409: E[409] },
  }),
  getDigest: keyed('partners', "Get a partner's digest settings", {
    params: withId('partner'),
    response: { 200: ok(W.DigestSettingsView), 404: E[404] },
  }),
  patchDigest: keyed('partners', "Change a partner's digest settings", {
    description: 'A new e-mail address is confirmed by mail before digests go to it, as from the chat.',
    params: withId('partner'),
    body: W.DigestSettingsPatch,
    response: { 200: ok(W.DigestSettingsView), 404: E[404] },
  }),
  listCampaigns: keyed('campaigns', 'List campaigns', {
    querystring: ListCampaignsQuery,
    response: { 200: ok(R.CampaignPage) },
  }),
  createCampaign: keyed('campaigns', 'Create a campaign', {
    body: CreateCampaignSchema.meta({
      examples: [
        {
          name: 'Casino Royale DE',
          type: 'cpa',
          landing_url: 'https://offer.example.com/lp?click={clickid}&s1={sub1}',
          payouts: [{ type: 'deposit', amount: '25.00' }],
        },
      ],
    }),
    response: { 201: ok(R.Campaign, 'Created') },
  }),
  getCampaign: keyed('campaigns', 'Get a campaign', {
    params: withId('campaign'),
    response: { 200: ok(R.Campaign), 404: E[404] },
  }),
  updateCampaign: keyed('campaigns', 'Change a campaign', {
    params: withId('campaign'),
    body: UpdateCampaignSchema.meta({ examples: [{ status: 'paused' }] }),
    response: { 200: ok(R.Campaign), 404: E[404] },
  }),
  listAccess: keyed('campaigns', "List partners' access to a campaign", {
    params: withId('campaign'),
    response: { 200: ok(R.AccessList), 404: E[404] },
  }),
  grantAccess: keyed('campaigns', "Set a partner's access to a campaign", {
    params: withId('campaign').extend({ partnerId: W.IdParams.shape.id.meta({ description: "The partner's id." }) }),
    body: AccessSchema.meta({ examples: [{ status: 'approved' }] }),
    response: { 200: ok(R.Access), 404: E[404] },
  }),
};

// Conversions, costs, reports.
export const conversionSchemas = {
  upload: keyed('conversions', 'Upload conversions', {
    description: 'One result per item, in request order; a malformed request is 400 and writes nothing.',
    body: W.ConversionUpload,
    response: { 200: ok(W.UploadResult) },
  }),
  update: keyed('conversions', 'Change status, payout or revenue of conversions', {
    body: W.ConversionUpdate,
    response: { 200: ok(W.UpdateResult) },
  }),
  costs: keyed('reports', 'Upload a cost', {
    description: 'RedTrack-style: the cost is spread over the clicks of the slice (campaign, time, optional sub).',
    body: CostInput.meta({
      examples: [
        {
          campaign_id: 3,
          time_from: '2026-11-01 00:00:00',
          time_to: '2026-11-02 00:00:00',
          cost: '120.00',
          currency: 'USD',
        },
      ],
    }),
    response: { 200: ok(R.CostResult), 404: E[404], 409: E[409] },
  }),
};
export const reportRoute = keyed('reports', 'Report', {
  description: 'Admin keys see every partner; a partner key only its own rows and no revenue, cost or profit.',
  querystring: ReportRequestSchema,
  response: { 200: ok(R.Report, 'The report (JSON, or CSV with format=csv)') },
});
