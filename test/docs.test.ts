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

  it('renders the operations as a self-contained HTML page', async () => {
    const res = await api(ctx, 'GET', '/docs', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('/api/v1/report');
    expect(res.text).toContain('/postback');
    expect(res.text).not.toMatch(/<script|https?:\/\/cdn/i);
  });
});
