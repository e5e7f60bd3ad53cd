import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * Generates the OpenAPI 3.1 document from the routes' zod schemas (@fastify/swagger collects every route as
 * it is added, so this runs before the routes are registered) and serves it with Swagger UI at /docs, its
 * scripts and styles served by the app from node_modules: no CDN, so the page works offline. Routes join the
 * document through `documented()` (documented.ts).
 */
export async function registerApiDocs(server: FastifyInstance, publicUrl: string): Promise<void> {
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'partnerdesk API',
        version: '0.1.0',
        description:
          'Tracking, S2S conversions, costs, reports and administration of an affiliate program. Money is sent and returned as decimal strings ("12.50"; "12,50" is accepted) in the campaign or partner currency, never as floats. Every error is {"error":{"code","message","field"}}; a request that fails validation writes nothing.',
      },
      servers: [{ url: publicUrl }],
      tags: [
        { name: 'tracking', description: 'Ad traffic and advertiser postbacks (no API key).' },
        { name: 'conversions', description: 'Conversion uploads and changes (admin key).' },
        { name: 'reports', description: 'The report engine (admin or partner key) and cost uploads (admin key).' },
        { name: 'partners', description: 'Partner administration (admin key).' },
        { name: 'campaigns', description: 'Campaign administration (admin key).' },
        {
          name: 'postbacks',
          description: "Partners' postbacks (admin key: every partner's; partner key: its own), the delivery log.",
        },
        { name: 'digests', description: 'Links in digest e-mails (the token authorises).' },
        { name: 'chat', description: 'Slack and Telegram endpoints (signed by the platform).' },
        { name: 'operations', description: 'Health, metrics and this document.' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key from `partnerdesk apikey create <name>`, sent as Authorization: Bearer <key>.',
          },
        },
      },
    },
    // Input schemas with transforms (ids as strings -> numbers) are described by what the client sends.
    transform: createJsonSchemaTransform({ skipList: [], zodToJsonConfig: { unrepresentable: 'any' } }),
  });
  const api = new URL(publicUrl).origin;
  await server.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: 'partnerdesk API' },
    // BaseLayout: no top bar inviting to explore other URLs; this page shows this API only.
    uiConfig: { layout: 'BaseLayout', docExpansion: 'list', defaultModelsExpandDepth: 0 },
    // The page loads only what this app serves; "try it out" may call the API at PUBLIC_URL.
    staticCSP: `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self' ${api}; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`,
  });
}
