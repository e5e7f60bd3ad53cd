import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateCampaignSchema } from '../src/app/admin/campaign-input.js';
import { ListPartnersQuery } from '../src/app/admin/list-partners.js';
import { CreatePartnerSchema } from '../src/app/admin/partner-input.js';
import { CostInput } from '../src/app/conversions/ingest-costs.js';
import { CreatePostbackSchema } from '../src/app/postbacks/postback-input.js';
import { ReplaySchema } from '../src/app/postbacks/replay-deliveries.js';
import { ReportRequestSchema } from '../src/app/reports/report-request-schema.js';
import { documented } from '../src/http/api-docs/documented.js';
import { api, startTestApp, type TestContext } from './helpers/harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// The document does not touch the database, so one flavor is enough.
describe('API docs', () => {
  let ctx: TestContext;
  // biome-ignore lint/suspicious/noExplicitAny: the document is checked field by field
  let doc: any;
  beforeAll(async () => {
    ctx = await startTestApp('sqlite', { PUBLIC_URL: 'https://track.example.com' });
    doc = (await api(ctx, 'GET', '/docs/openapi.json', undefined, null)).body;
  });
  afterAll(async () => ctx?.close());

  it('serves OpenAPI 3.1 JSON listing the contract routes, without a key', async () => {
    const res = await api(ctx, 'GET', '/docs/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.servers[0].url).toBe('https://track.example.com');
    for (const path of [
      '/postback',
      '/t/{campaignId}',
      '/api/v1/report',
      '/api/v1/conversions',
      '/api/v1/conversions/update',
      '/api/v1/costs',
      '/api/v1/partners',
      '/api/v1/campaigns',
      '/api/v1/postbacks',
      '/api/v1/postbacks/{id}/test',
      '/api/v1/deliveries/replay',
      '/healthz',
      '/metrics',
      '/slack/events',
      '/telegram/webhook',
      '/unsubscribe/{token}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Every $ref points at something that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined();
  });

  it('is well-formed: operations with tags, answers, path parameters and the API key where one is needed', () => {
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, Operation>][]) {
      expect(path, 'paths start with /').toMatch(/^\//);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(METHODS, where).toContain(method);
        operations++;
        expect(op.summary, `${where} summary`).toBeTruthy();
        expect(op.tags?.length, `${where} tags`).toBeGreaterThan(0);
        for (const tag of op.tags ?? []) expect(tags.has(tag), `${where} tag ${tag} declared`).toBe(true);
        expect(Object.keys(op.responses ?? {}).length, `${where} responses`).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          expect(r.description, `${where} ${status} description`).toBeTruthy();
        }
        // Every {param} of the path is declared as a required path parameter, and nothing else is.
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${where} path parameters`).toEqual(inPath);
        for (const p of declared) expect(p.required, `${where} ${p.name} required`).toBe(true);
        if (path.startsWith('/api/v1/')) {
          expect(op.security, `${where} security`).toEqual([{ bearerAuth: [] }]);
          expect(op.responses['401'], `${where} 401`).toBeDefined();
        } else {
          expect(op.security, `${where} has no API key`).toBeUndefined();
        }
      }
    }
    expect(operations).toBeGreaterThan(40);
  });

  it('documents every route the server registers, with its methods', () => {
    const registered = routesOf(ctx.server.printRoutes({ commonPrefix: false }))
      // Swagger UI's own page, assets and copies of this document are not part of the API.
      .filter((r) => !/ \/docs($|\*$|\/(json|yaml|static\/.*)$)/.test(r));
    // Guards the parser: if printRoutes changed its format, this fails instead of checking nothing.
    expect(registered).toContain('GET /api/v1/report');
    expect(registered).toContain('PATCH /api/v1/postbacks/{id}');
    expect(registered).toContain('POST /slack/events');
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !registered.includes(d))).toEqual([]);
  });

  it('describes request bodies and queries with the schemas the use cases parse with', () => {
    const bodies: [string, string, z.ZodObject][] = [
      ['post', '/api/v1/partners', CreatePartnerSchema],
      ['post', '/api/v1/campaigns', CreateCampaignSchema],
      ['post', '/api/v1/postbacks', CreatePostbackSchema],
      ['post', '/api/v1/costs', CostInput as unknown as z.ZodObject],
      ['post', '/api/v1/deliveries/replay', ReplaySchema],
    ];
    for (const [method, path, schema] of bodies) {
      const body = doc.paths[path][method].requestBody.content['application/json'].schema;
      const where = `${method.toUpperCase()} ${path}`;
      expect(Object.keys(body.properties).sort(), `${where} fields`).toEqual(Object.keys(schema.shape).sort());
      expect([...(body.required ?? [])].sort(), `${where} required fields`).toEqual(requiredOf(schema));
    }
    expect(requiredOf(CreatePartnerSchema)).toEqual(['email', 'name']); // the helper itself finds something
    const query = (method: string, path: string) =>
      (doc.paths[path][method].parameters as { in: string; name: string }[])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    expect(query('get', '/api/v1/report')).toEqual(Object.keys(ReportRequestSchema.shape).sort());
    expect(query('get', '/api/v1/partners')).toEqual(Object.keys(ListPartnersQuery.shape).sort());
    // The contract's error shape is what a 400 answers.
    const error = doc.paths['/api/v1/partners'].post.responses['400'].content['application/json'].schema;
    expect(error.properties.error.required).toEqual(['code', 'message']);
    expect(Object.keys(error.properties.error.properties)).toEqual(
      expect.arrayContaining(['code', 'message', 'field']),
    );
  });

  it('leaves validation to the use cases: a documented route still answers 400 in the contract shape', async () => {
    const res = await api(ctx, 'POST', '/api/v1/partners', { name: 'Acme', email: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'email' });
    expect(res.body.error.message).toMatch(/email address like/);
  });

  it('serves the API reference page at /docs with every asset from the app itself (works offline)', async () => {
    const res = await api(ctx, 'GET', '/docs', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp.replace('https://track.example.com', '')).not.toMatch(/https?:|\*/);
    const assets = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const url of assets) {
      expect(url, 'no external asset').not.toMatch(/^(https?:)?\/\//i);
      const asset = await fetch(new URL(url, `${ctx.baseUrl}/docs`));
      expect(asset.status, url).toBe(200);
      await asset.arrayBuffer();
    }
    const init = await fetch(`${ctx.baseUrl}/docs/static/swagger-initializer.js`).then((r) => r.text());
    expect(init).toContain("resolveUrl('./json')");
    expect(init).toMatch(/validatorUrl: null/); // no badge fetched from validator.swagger.io
    const json = await api(ctx, 'GET', '/docs/json', undefined, null);
    expect(json.body.paths['/api/v1/report']).toEqual(doc.paths['/api/v1/report']);
  });
});

describe('documented()', () => {
  it('describes a route without validating it, and leaves plain JSON schemas to Fastify', async () => {
    const server = Fastify();
    const Body = z.object({ n: z.number() });
    server.post('/described', documented({ body: Body, response: { 200: Body } }), async (req) => ({
      got: req.body,
    }));
    server.post(
      '/validated',
      { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } } },
      async (req) => ({ got: req.body }),
    );
    try {
      const described = await server.inject({ method: 'POST', url: '/described', payload: { n: 'x', extra: 1 } });
      expect(described.statusCode).toBe(200);
      expect(described.json()).toEqual({ got: { n: 'x', extra: 1 } }); // not checked, not filtered
      const validated = await server.inject({ method: 'POST', url: '/validated', payload: { m: 1 } });
      expect(validated.statusCode).toBe(400);
    } finally {
      await server.close();
    }
  });
});

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown;
  parameters?: { in: string; name: string; required?: boolean }[];
  responses: Record<string, { description?: string }>;
}

/** The fields a client must send: those the schema refuses to leave out (defaults and optionals may go). */
function requiredOf(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

/**
 * "METHOD /path" of every route, from Fastify's route tree (printRoutes with commonPrefix false: one node per
 * line, "├── /segment (GET, HEAD)", children indented by four columns). Path params become {name}; HEAD is
 * skipped: Fastify adds it to every GET by itself.
 */
function routesOf(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    if (!m[3]) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}
