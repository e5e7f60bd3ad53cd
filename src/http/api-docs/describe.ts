import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { ErrorBody, IdParams } from './wire-schemas.js';

/**
 * Helpers for the routes' `schema` (tags, summary, security, zod schemas of input and answers), from which
 * @fastify/swagger generates /docs/openapi.json; nothing here validates (see documented.ts).
 */

/** An answer in the contract's error shape, with what it means on this route. */
export const err = (description: string) => ErrorBody.meta({ description });
/** A successful answer's schema with its description. */
export const ok = <T extends z.ZodType>(schema: T, description = 'OK') => schema.meta({ description });

export const E = {
  400: err('Bad input; the error names the field and the fix. Nothing was written.'),
  401: err('Missing, unknown or revoked API key.'),
  403: err('The key may not do this (for example a partner key on an admin-only route).'),
  404: err('Unknown id or route.'),
  409: err('Conflicts with existing data.'),
  429: err('Too many requests from this address or key; retry after Retry-After seconds.'),
  503: err('Overloaded or a dependency is down; retry later (Retry-After).'),
};

type Op = Omit<FastifySchema, 'tags' | 'summary'> & { description?: string };

/** A route behind an API key (Authorization: Bearer): the answers every such route may give are added. */
export const keyed = (tag: string, summary: string, s: Op): FastifySchema => ({
  tags: [tag],
  summary,
  security: [{ bearerAuth: [] }],
  ...s,
  response: { 400: E[400], 401: E[401], 403: E[403], 429: E[429], ...(s.response as object) },
});

/** A route without an API key (ad traffic, platform webhooks, links in e-mails, operations). */
export const open = (tag: string, summary: string, s: Op = {}): FastifySchema => ({ tags: [tag], summary, ...s });

/** Path parameters { id } naming what the id is of. */
export const withId = (what: string) => z.object({ id: IdParams.shape.id.meta({ description: `The ${what}'s id.` }) });
