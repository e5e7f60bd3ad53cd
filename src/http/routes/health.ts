import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../server.js';

// Placeholder: filled in by the part of the foundation that owns these routes.
export async function healthRoutes(_server: FastifyInstance, _opts: RouteOptions): Promise<void> {}
