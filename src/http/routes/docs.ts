import type { FastifyInstance } from 'fastify';
import { renderDocsHtml } from '../docs-html.js';
import { buildOpenApi } from '../openapi.js';
import type { RouteOptions } from '../server.js';

/** GET /docs (HTML) and GET /docs/openapi.json, open to anyone: the API description holds no secrets. */
export async function docsRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  // Built once: the document depends only on PUBLIC_URL, which is fixed for the life of the process.
  const doc = buildOpenApi(app.config.publicUrl);
  const body = JSON.stringify(doc);
  const html = renderDocsHtml(doc);
  server.get('/docs/openapi.json', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
  server.get('/docs', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(html),
  );
}
