import type { FastifyRequest } from 'fastify';
import type { ApiPrincipal } from '../app/admin/api-keys.js';
import { AppError } from '../domain/errors.js';
import type { App } from '../main/create-app.js';

/** The key in `Authorization: Bearer <key>`, or undefined. */
export function bearerKey(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/**
 * The caller's API key: the one the /api/v1 gate already checked (api-gate.ts), else resolved now; throws 401.
 */
export async function authenticate(app: App, req: FastifyRequest): Promise<ApiPrincipal> {
  return req.apiPrincipal ?? app.verifyApiKey(bearerKey(req));
}

export async function requireAdmin(app: App, req: FastifyRequest): Promise<ApiPrincipal> {
  const p = await authenticate(app, req);
  if (p.role !== 'admin') {
    throw new AppError(
      'forbidden',
      'admin_only',
      'this endpoint needs an admin API key; partner keys only read their own reports',
    );
  }
  return p;
}
