import type { FastifyInstance } from 'fastify';
import { checkHealth } from '../../app/admin/check-health.js';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import type { RouteOptions } from '../server.js';

/**
 * GET /healthz: can this process serve? 200 `{"status":"ok","db":"ok","redis":"ok"}`, or 503 with the failing
 * part spelled out (`"redis":"error: <reason>"`) so an operator sees which dependency to look at.
 * A role running without Redis reports `"redis":"not_configured"` and is still healthy.
 * GET /metrics: Prometheus text of this process's registry.
 */
export async function healthRoutes(server: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { app } = opts;

  server.get('/healthz', documented(openSchemas.health), async (_req, reply) => {
    const { healthy, db, redis } = await checkHealth(app);
    if (!healthy) app.logger.warn({ event: 'health.check.failed', db, redis }, 'health check failed');
    return reply
      .status(healthy ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: healthy ? 'ok' : 'error', db, redis });
  });

  server.get('/metrics', documented(openSchemas.metrics), async (_req, reply) => {
    const text = await app.metrics.registry.metrics();
    return reply
      .header('content-type', app.metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(text);
  });
}
