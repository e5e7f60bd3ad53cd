import type { FastifyInstance } from 'fastify';
import { ingestCosts } from '../../app/conversions/ingest-costs.js';
import { conversionSchemas } from '../api-docs/api-v1-route-schemas.js';
import { documented } from '../api-docs/documented.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../server.js';

/** POST /api/v1/costs: RedTrack-style cost update, spread over the clicks of a slice (admin keys only). */
export async function costsApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  server.post('/costs', documented(conversionSchemas.costs), async (req) => {
    await requireAdmin(app, req);
    return ingestCosts(app, req.body);
  });
}
