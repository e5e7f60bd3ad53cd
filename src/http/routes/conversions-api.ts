import type { FastifyInstance, FastifyRequest } from 'fastify';
import { updateConversions } from '../../app/update-conversions.js';
import { uploadConversions } from '../../app/upload-conversions.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../server.js';

/**
 * POST /api/v1/conversions (upload) and POST /api/v1/conversions/update (status, payout, revenue changes).
 * Both answer 200 with one result per item, in request order; a malformed request is 400 and writes nothing.
 */
export async function conversionsApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  // onRequest: refuse callers without an admin key before their (possibly large) body is parsed.
  server.addHook('onRequest', async (req: FastifyRequest) => {
    await requireAdmin(app, req);
  });

  server.post('/conversions', async (req) => {
    const results = await uploadConversions(app, req.body);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const created = count('created');
    const duplicates = count('duplicate');
    if (created) app.metrics.conversions.inc({ outcome: 'created' }, created);
    if (duplicates) app.metrics.conversions.inc({ outcome: 'duplicate' }, duplicates);
    return { created, duplicates, errors: count('error'), results };
  });

  server.post('/conversions/update', async (req) => {
    const results = await updateConversions(app, req.body);
    const updated = results.filter((r) => r.status === 'updated').length;
    if (updated) app.metrics.conversionUpdates.inc(updated);
    return {
      updated,
      unchanged: results.filter((r) => r.status === 'unchanged').length,
      errors: results.filter((r) => r.status === 'error').length,
      results,
    };
  });
}
