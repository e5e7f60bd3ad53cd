import type { FastifyInstance } from 'fastify';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import type { RouteOptions } from '../server.js';

/**
 * GET /docs/openapi.json, open to anyone: the API description holds no secrets. The page at /docs (Swagger
 * UI) is registered with the generator (api-docs/register.ts). The document needs the whole route tree, so it
 * is built on the first request and then kept: routes do not change while the process runs.
 */
export async function docsRoutes(server: FastifyInstance, _opts: RouteOptions): Promise<void> {
  let json: string | undefined;
  server.get('/docs/openapi.json', documented(openSchemas.docsJson), async (_req, reply) => {
    json ??= JSON.stringify(server.swagger());
    return reply.type('application/json; charset=utf-8').send(json);
  });
}
