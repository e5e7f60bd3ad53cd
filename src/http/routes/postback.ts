import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordConversion } from '../../app/conversions/record-conversion.js';
import { AppError } from '../../domain/errors.js';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import type { RouteOptions } from '../server.js';

/**
 * Advertiser S2S: GET|POST /postback?clickid=&sum=&payout=&type=&status=&txid=&currency= (RedTrack's names).
 * POST may carry the fields in a form or JSON body; body fields win over query parameters of the same name.
 * No API key: like RedTrack's, the postback is authorised by the unguessable clickid it carries.
 */
export async function postbackRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  const handle = async (req: FastifyRequest) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const body = req.body;
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? { ...query, ...body } : query;
    try {
      const r = await recordConversion(app, fields);
      app.metrics.conversions.inc({ outcome: r.duplicate ? 'duplicate' : 'created' });
      return { status: 'ok', conversion_id: r.conversionId, duplicate: r.duplicate };
    } catch (err) {
      if (err instanceof AppError) app.metrics.conversions.inc({ outcome: 'rejected' });
      throw err;
    }
  };
  server.get('/postback', documented(openSchemas.postback('GET')), handle);
  server.post('/postback', documented(openSchemas.postback('POST')), handle);
}
