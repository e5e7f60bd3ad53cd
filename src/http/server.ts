import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { App } from '../main/create-app.js';
import { registerApiDocs } from './api-docs/register.js';
import { createApiGate } from './api-gate.js';
import { createTrustedProxies } from './client-address.js';
import { clientErrorHandler, errorBody, frameworkErrorHandler, makeErrorHandler } from './errors.js';
import { type RateLimit, refuseOverLimit, setUpRateLimits } from './rate-limits.js';
import { adminRoutes } from './routes/admin.js';
import { conversionsApiRoutes } from './routes/conversions-api.js';
import { costsApiRoutes } from './routes/costs-api.js';
import { digestLinkRoutes } from './routes/digest-links.js';
import { digestSettingsApiRoutes } from './routes/digest-settings-api.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { postbackRoutes } from './routes/postback.js';
import { postbacksApiRoutes } from './routes/postbacks-api.js';
import { reportApiRoutes } from './routes/report-api.js';
import { slackEventsRoutes } from './routes/slack-events.js';
import { telegramWebhookRoutes } from './routes/telegram-webhook.js';
import { trackingRoutes } from './routes/tracking.js';

/** Builds the HTTP server around an App; routes are thin: parse, call a use case, shape the answer. */
export async function buildServer(app: App): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Request logs at info would cost more than a tracking redirect itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 5 * 1024 * 1024,
    // X-Forwarded-For counts only through the proxies in TRUST_PROXY; the client is the right-most other address.
    trustProxy: app.config.trustProxy.length === 0 ? false : trustedProxyCheck(app.config.trustProxy),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Every answer in the contract's error shape, including the ones Fastify and Node give before routing.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  // One shared logger instead of a child per request: nothing logs through req.log (request logging is off,
  // errors go through the handler below, which names the request), and a child per request was a measurable
  // share of the S2S intake's main-thread time.
  server.setChildLoggerFactory((logger) => logger);
  await server.register(formbody);
  server.setErrorHandler(makeErrorHandler(app.logger.child({ component: 'http' })));
  server.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('route_not_found', `no route ${req.method} ${req.url.split('?')[0]}; see /docs`)),
  );
  const limits = await setUpRateLimits(server, app);
  server.decorate('rateLimits', limits);
  server.addHook('onRequest', createApiGate(app, limits));
  if (limits.trackingPerAddress) server.addHook('onRequest', createTrackingLimit(limits.trackingPerAddress));
  // Before the routes: @fastify/swagger collects them as they are added.
  await registerApiDocs(server, app.config.publicUrl);
  await server.register(healthRoutes, { app });
  await server.register(docsRoutes, { app });
  await server.register(trackingRoutes, { app });
  await server.register(postbackRoutes, { app });
  await server.register(conversionsApiRoutes, { app, prefix: '/api/v1' });
  await server.register(costsApiRoutes, { app, prefix: '/api/v1' });
  await server.register(reportApiRoutes, { app, prefix: '/api/v1' });
  await server.register(adminRoutes, { app, prefix: '/api/v1' });
  await server.register(postbacksApiRoutes, { app, prefix: '/api/v1' });
  await server.register(telegramWebhookRoutes, { app });
  await server.register(digestLinkRoutes, { app }); // /unsubscribe/:token, /digest/confirm/:token
  await server.register(digestSettingsApiRoutes, { app, prefix: '/api/v1' }); // /partners/:id/digest
  // Slack: encapsulated (its raw-body parsers stay inside); the running bot attaches itself (bots/slack).
  await server.register(slackEventsRoutes, { app });
  return server;
}

/** Ad traffic is limited per address only when the operator opts in (RATE_LIMIT_TRACKING_PER_ADDRESS). */
function createTrackingLimit(limit: RateLimit) {
  const routes = new Set(['/t/:campaignId', '/postback']);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!routes.has(req.routeOptions.url ?? '')) return;
    if (await refuseOverLimit(limit, req, reply)) return reply;
  };
}

function trustedProxyCheck(entries: readonly string[]): (address: string) => boolean {
  const proxies = createTrustedProxies(entries);
  return (address) => proxies.trusts(address);
}

export interface RouteOptions {
  app: App;
}
