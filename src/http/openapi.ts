import { adminPaths } from './openapi-admin-paths.js';
import { trafficPaths } from './openapi-paths.js';
import { postbackPaths, postbackTag } from './openapi-postback-paths.js';
import { postbackSchemas } from './openapi-postback-schemas.js';
import { schemas } from './openapi-schemas.js';
import { json, type OpenApiDocument, ref } from './openapi-types.js';

/**
 * partnerdesk's HTTP API as OpenAPI 3.1, written by hand beside the routes (CONTRACT.md's HTTP table) and
 * typed, so a malformed document does not compile. Served at /docs/openapi.json and rendered as HTML at
 * /docs. When a route changes, change its entry too; test/docs.test.ts checks the contract's routes are listed.
 */

const error = (code: string, message: string, field?: string) => ({
  error: { code, message, ...(field && { field }) },
});

export function buildOpenApi(publicUrl: string): OpenApiDocument {
  return {
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
      postbackTag,
      { name: 'operations', description: 'Health, metrics and this document.' },
    ],
    paths: { ...trafficPaths, ...adminPaths, ...postbackPaths },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from `partnerdesk apikey create <name>`, sent as Authorization: Bearer <key>.',
        },
      },
      schemas: { ...schemas, ...postbackSchemas },
      responses: {
        BadRequest: {
          description: 'Bad input; the error names the field and the fix. Nothing was written.',
          content: json(
            ref('Error'),
            error(
              'validation_failed',
              'timezone: must be an IANA time zone like Europe/Berlin or UTC, got "Mars/Olympus"',
              'timezone',
            ),
          ),
        },
        Unauthorized: {
          description: 'Missing, unknown or revoked API key.',
          content: json(ref('Error'), error('missing_api_key', 'send your API key as "Authorization: Bearer <key>"')),
        },
        Forbidden: {
          description: 'The key may not do this (a partner key on an admin route).',
          content: json(ref('Error'), error('admin_only', 'this endpoint needs an admin API key')),
        },
        NotFound: {
          description: 'Unknown id, click or route.',
          content: json(ref('Error'), error('partner_not_found', 'partner 99 does not exist', 'id')),
        },
        Conflict: {
          description: 'Conflicts with existing data.',
          content: json(
            ref('Error'),
            error('email_taken', 'email ops@acme.example already belongs to another partner', 'email'),
          ),
        },
        Unavailable: {
          description: 'Overloaded or a dependency is down; retry later (Retry-After).',
          content: json(
            ref('Error'),
            error('overloaded', 'too many clicks are waiting to be stored; retry in a moment'),
          ),
        },
      },
    },
  };
}
