import type { FastifyRequest } from 'fastify';
import type { ApiPrincipal } from '../app/api-keys.js';
import type { App } from '../app/create-app.js';
import { AppError } from '../domain/errors.js';

/** Resolves the caller's API key (Authorization: Bearer <key>) or throws 401. */
export async function authenticate(app: App, req: FastifyRequest): Promise<ApiPrincipal> {
  const h = req.headers.authorization;
  const key = h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
  return app.verifyApiKey(key);
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
