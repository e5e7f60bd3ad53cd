import type { FastifyInstance, FastifyRequest } from 'fastify';
import { updateConversions } from '../../app/conversions/update-conversions.js';
import { uploadConversions } from '../../app/conversions/upload-conversions.js';
import { conversionSchemas } from '../api-docs/api-v1-route-schemas.js';
import { documented } from '../api-docs/documented.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../server.js';

const countOf = (results: { status: string }[], status: string) => results.filter((r) => r.status === status).length;

/**
 * POST /api/v1/conversions (upload) and POST /api/v1/conversions/update (status, payout, revenue changes).
 * Both answer 200 with one result per item, in request order; a malformed request is 400 and writes nothing.
 */
export async function conversionsApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  // onRequest: refuse callers without an admin key before their (possibly large) body is parsed.
  server.addHook('onRequest', async (req: FastifyRequest) => {
    await requireAdmin(app, req);
  });

  server.post('/conversions', documented(conversionSchemas.upload), async (req) => {
    const results = await uploadConversions(app, req.body);
    const created = countOf(results, 'created');
    const duplicates = countOf(results, 'duplicate');
    if (created) app.metrics.conversions.inc({ outcome: 'created' }, created);
    if (duplicates) app.metrics.conversions.inc({ outcome: 'duplicate' }, duplicates);
    return { created, duplicates, errors: countOf(results, 'error'), results };
  });

  server.post('/conversions/update', documented(conversionSchemas.update), async (req) => {
    const results = await updateConversions(app, req.body);
    const updated = countOf(results, 'updated');
    if (updated) app.metrics.conversionUpdates.inc(updated);
    return { updated, unchanged: countOf(results, 'unchanged'), errors: countOf(results, 'error'), results };
  });
}
