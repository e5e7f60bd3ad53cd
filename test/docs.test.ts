import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, type TestContext } from './helpers/harness.js';

// The document does not touch the database, so one flavor is enough.
describe('API docs', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('sqlite', { PUBLIC_URL: 'https://track.example.com' });
  });
  afterAll(async () => ctx?.close());

  it('serves OpenAPI 3.1 JSON listing the contract routes, without a key', async () => {
    const res = await api(ctx, 'GET', '/docs/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
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
      '/healthz',
      '/metrics',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
    expect(doc.paths['/api/v1/partners'].post.security).toEqual([{ bearerAuth: [] }]);
    // Every $ref points at something that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined();
  });

  it('lists the postback relay routes', async () => {
    const { body: doc } = await api(ctx, 'GET', '/docs/openapi.json', undefined, null);
    for (const path of ['/api/v1/postbacks', '/api/v1/postbacks/{id}/test', '/api/v1/deliveries/replay']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/v1/postbacks'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.tags.map((t: { name: string }) => t.name)).toContain('postbacks');
  });

  it('documents every /api/v1 route the server registers', async () => {
    const { body: doc } = await api(ctx, 'GET', '/docs/openapi.json', undefined, null);
    const registered = apiRoutes(ctx.server.printRoutes({ commonPrefix: false }));
    // Guards the parser: if printRoutes changed its format, this fails instead of checking nothing.
    expect(registered).toContain('GET /api/v1/report');
    expect(registered).toContain('PATCH /api/v1/postbacks/{id}');
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('renders the operations as a self-contained HTML page', async () => {
    const res = await api(ctx, 'GET', '/docs', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('/api/v1/report');
    expect(res.text).toContain('/postback');
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/i);
  });
});

/**
 * "METHOD /path" of every /api/v1 route, from Fastify's route tree (printRoutes with commonPrefix false: one
 * node per line, "├── /segment (GET, HEAD)", children indented by four columns). Path params become {name};
 * HEAD is skipped: Fastify adds it to every GET by itself.
 */
function apiRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    if (!path.startsWith('/api/v1/') || !m[3]) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out;
}
