import type { FastifySchema, FastifySchemaCompiler, FastifySerializerCompiler, RouteShorthandOptions } from 'fastify';

// The schemas describe; they neither validate nor serialise. The use cases parse their input themselves, so
// a 400 keeps naming the field and the fix in the contract's error shape, and answers stay exactly what the
// handlers return. Set per route (not on the server), so a route that ever declares a plain JSON schema still
// gets Fastify's own validation.
const describeOnly: FastifySchemaCompiler<unknown> = () => (value) => ({ value });
const serializeAsIs: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/** Route options that put a route in the OpenAPI document, described by `schema`, without changing it. */
export function documented(
  schema: FastifySchema,
): Pick<RouteShorthandOptions, 'schema' | 'validatorCompiler' | 'serializerCompiler'> {
  return { schema, validatorCompiler: describeOnly, serializerCompiler: serializeAsIs };
}
