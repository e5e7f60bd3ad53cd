import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiPrincipal } from '../app/admin/api-keys.js';
import { AppError } from '../domain/errors.js';
import type { App } from '../main/create-app.js';
import { bearerKey } from './auth.js';
import { type RateLimits, refuseOverLimit } from './rate-limits.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's API key, resolved by the /api/v1 gate before the body was read. */
    apiPrincipal?: ApiPrincipal;
  }
}

const TEST_FIRE_ROUTES = new Set(['/api/v1/postbacks/test', '/api/v1/postbacks/:id/test']);

/** True for /api/v1 and everything under it, routed (by pattern) or not (an unknown API path). */
function isApiRequest(req: FastifyRequest): boolean {
  const pattern = req.routeOptions.url ?? req.url;
  return pattern === '/api/v1' || pattern.startsWith('/api/v1/') || pattern.startsWith('/api/v1?');
}

/**
 * The /api/v1 gate, an onRequest hook: limits per client address, refuses an address locked out for failed
 * authentications, checks the API key, then limits per key (and test fires, which make us fetch URLs).
 * All of it before the body is read, so an unauthenticated caller never gets a large body parsed (401, not
 * 413). Routes still check roles; they find the principal on the request.
 */
export function createApiGate(app: App, limits: RateLimits) {
  return async function apiGate(req: FastifyRequest, reply: FastifyReply) {
    if (!isApiRequest(req)) return;
    if (await refuseOverLimit(limits.apiPerAddress, req, reply)) return reply;
    if (await refuseOverLimit(limits.authFailures, req, reply, { peek: true })) return reply;
    try {
      req.apiPrincipal = await app.verifyApiKey(bearerKey(req));
    } catch (err) {
      if (err instanceof AppError && err.kind === 'unauthenticated') await limits.authFailures?.check(req);
      throw err;
    }
    if (await refuseOverLimit(limits.apiPerKey, req, reply)) return reply;
    if (req.method === 'POST' && TEST_FIRE_ROUTES.has(req.routeOptions.url ?? '')) {
      if (await refuseOverLimit(limits.testFires, req, reply)) return reply;
    }
  };
}
