import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countryFromHeaders } from '../../app/tracking/geo.js';
import { type RecordClickDeps, recordClick } from '../../app/tracking/record-click.js';
import { AppError } from '../../domain/errors.js';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import { createTrustedProxies } from '../client-address.js';
import type { RouteOptions } from '../server.js';

/**
 * GET /t/:campaignId?pid=&ref_id=&sub1..sub5=&lp=&deeplink= — the tracking redirect (CONTRACT.md).
 *
 * Answers 302 only after the click is committed. `Cache-Control: no-store` keeps browsers and CDNs from
 * replaying the redirect (each visit must reach us and get its own click id). No Referrer-Policy is set:
 * the landing then sees the publisher's page as referrer, as it would without us (never this URL, so no
 * ids leak), and advertisers use it for traffic-quality checks.
 */
export async function trackingRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  app.geo.load(); // now, at start-up, rather than inside the first visitor's request
  // A CDN's country header is believed only when the request came to us through a trusted proxy (TRUST_PROXY):
  // otherwise any visitor could set it. req.ip already follows X-Forwarded-For only through trusted proxies.
  const proxies = createTrustedProxies(app.config.trustProxy);
  const deps: RecordClickDeps = {
    now: app.now,
    trackingCache: app.trackingCache,
    clickWriter: app.clickWriter,
    geo: app.geo,
    classifyUserAgent: app.classifyUserAgent,
  };

  const handle =
    (store: boolean) =>
    async (
      req: FastifyRequest<{ Params: { campaignId: string }; Querystring: Record<string, unknown> }>,
      reply: FastifyReply,
    ) => {
      try {
        const click = await recordClick(deps, {
          campaignId: req.params.campaignId,
          query: req.query,
          ip: req.ip,
          userAgent: req.headers['user-agent'],
          country: proxies.trusts(req.socket.remoteAddress) ? countryFromHeaders(req.headers) : '',
          store,
        });
        if (click.deeplinkRefused) app.metrics.deeplinksRefused.inc({ reason: click.deeplinkRefused });
        return reply.code(302).header('location', click.location).header('cache-control', 'no-store').send();
      } catch (err) {
        if (err instanceof AppError) {
          app.metrics.clicksRejected.inc({ reason: err.code });
          if (err.kind === 'unavailable') reply.header('retry-after', '1');
        }
        throw err;
      }
    };
  // HEAD gets the same checks and redirect but stores no click: link checkers are not visitors.
  server.get('/t/:campaignId', { exposeHeadRoute: false, ...documented(openSchemas.track) }, handle(true));
  server.head('/t/:campaignId', { schema: { hide: true } }, handle(false));
}
