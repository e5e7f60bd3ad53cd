import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createCampaign } from '../../app/admin/create-campaign.js';
import { createPartner } from '../../app/admin/create-partner.js';
import { getCampaign } from '../../app/admin/get-campaign.js';
import { getPartner } from '../../app/admin/get-partner.js';
import { grantCampaignAccess, listCampaignAccess } from '../../app/admin/grant-campaign-access.js';
import { listCampaigns } from '../../app/admin/list-campaigns.js';
import { listPartners } from '../../app/admin/list-partners.js';
import { updateCampaign } from '../../app/admin/update-campaign.js';
import { updatePartner } from '../../app/admin/update-partner.js';
import { adminSchemas as S } from '../api-docs/api-v1-route-schemas.js';
import { documented } from '../api-docs/documented.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../server.js';

type IdParams = { id: string };

/** Partners and campaigns administration (admin API keys only). Routes parse, call a use case, answer. */
export async function adminRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  // onRequest: refuse unauthenticated callers before their body is even parsed.
  server.addHook('onRequest', async (req: FastifyRequest) => {
    await requireAdmin(app, req);
  });

  server.get('/partners', documented(S.listPartners), async (req) => listPartners(app, req.query));
  server.post('/partners', documented(S.createPartner), async (req, reply) =>
    reply.status(201).send(await createPartner(app, req.body ?? {})),
  );
  server.get<{ Params: IdParams }>('/partners/:id', documented(S.getPartner), async (req) =>
    getPartner(app, req.params.id),
  );
  server.patch<{ Params: IdParams }>('/partners/:id', documented(S.updatePartner), async (req) =>
    updatePartner(app, req.params.id, req.body ?? {}),
  );

  server.get('/campaigns', documented(S.listCampaigns), async (req) => listCampaigns(app, req.query));
  server.post('/campaigns', documented(S.createCampaign), async (req, reply) =>
    reply.status(201).send(await createCampaign(app, req.body ?? {})),
  );
  server.get<{ Params: IdParams }>('/campaigns/:id', documented(S.getCampaign), async (req) =>
    getCampaign(app, req.params.id),
  );
  server.patch<{ Params: IdParams }>('/campaigns/:id', documented(S.updateCampaign), async (req) =>
    updateCampaign(app, req.params.id, req.body ?? {}),
  );
  server.get<{ Params: IdParams }>('/campaigns/:id/partners', documented(S.listAccess), async (req) => ({
    items: await listCampaignAccess(app, req.params.id),
  }));
  server.put<{ Params: IdParams & { partnerId: string } }>(
    '/campaigns/:id/partners/:partnerId',
    documented(S.grantAccess),
    async (req) =>
      grantCampaignAccess(app, { campaignId: req.params.id, partnerId: req.params.partnerId }, req.body ?? {}),
  );
}
