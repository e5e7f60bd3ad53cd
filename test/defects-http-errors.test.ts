import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { type RawResponse, rawRequest, rawSocket } from './helpers/raw-http.js';

/** CONTRACT.md: every error is `{"error":{"code","message"}}` with a snake_case code. */
function expectContractError(res: RawResponse | { status: number; body: unknown }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(status);
  const body = res.body as { error?: { code?: unknown; message?: unknown } };
  expect(body, JSON.stringify(body)).toMatchObject({
    error: { code: expect.any(String), message: expect.any(String) },
  });
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error?.code).toMatch(/^[a-z][a-z0-9_]*$/);
  if (code) expect(body.error?.code).toBe(code);
}

const SIX_MB = Buffer.alloc(6 * 1024 * 1024, 'a');
/** Under the 5 MB body limit but not JSON: parsing it would answer 400 invalid_json instead of 401. */
const BROKEN_JSON = Buffer.concat([Buffer.from('{"x":"'), Buffer.alloc(Math.floor(4.9 * 1024 * 1024), 'b')]);

/** Issue 10 item 3: errors from outside the routes (Fastify, Node's parser) come in the contract's shape. */
describe('every error in the contract shape (item 3)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('sqlite');
  });
  afterAll(async () => ctx?.close());
  const auth = () => ({ authorization: `Bearer ${ctx.adminKey}` });

  it('a path segment over the length limit is 414 url_too_long', async () => {
    expectContractError(await api(ctx, 'GET', `/api/v1/partners/${'1'.repeat(250)}`), 414, 'url_too_long');
    expectContractError(await api(ctx, 'GET', `/t/${'9'.repeat(250)}`, undefined, null), 414, 'url_too_long');
  });

  it('a broken %-escape in the path is 400 bad_url_encoding', async () => {
    expectContractError(await api(ctx, 'GET', '/api/v1/partners/%E0%A4%A'), 400, 'bad_url_encoding');
    expectContractError(await api(ctx, 'GET', '/t/%E0%A4%A?pid=1', undefined, null), 400, 'bad_url_encoding');
  });

  it('an unknown route is 404 route_not_found', async () => {
    expectContractError(await api(ctx, 'GET', '/nope'), 404, 'route_not_found');
    expectContractError(await api(ctx, 'DELETE', '/healthz'), 404, 'route_not_found');
  });

  it('a body over the limit is 413, an unknown media type 415, broken JSON 400', async () => {
    const big = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/partners',
      { ...auth(), 'content-type': 'application/json' },
      SIX_MB,
    );
    expectContractError(big, 413, 'body_too_large');
    const xml = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/partners',
      { ...auth(), 'content-type': 'application/xml' },
      '<a/>',
    );
    expectContractError(xml, 415, 'unsupported_media_type');
    const broken = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/partners',
      { ...auth(), 'content-type': 'application/json' },
      '{"name":',
    );
    expectContractError(broken, 400, 'invalid_json');
    const proto = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/partners',
      { ...auth(), 'content-type': 'application/json' },
      '{"__proto__":{"x":1}}',
    );
    expectContractError(proto, 400, 'invalid_json');
    const empty = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/partners',
      { ...auth(), 'content-type': 'application/json' },
      '',
    );
    expectContractError(empty, 400, 'empty_body');
  });

  it('headers over Node’s limit are 431 and a malformed request line is 400, both in the shape', async () => {
    const huge = await rawSocket(
      ctx.baseUrl,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expectContractError(huge, 431, 'headers_too_large');
    const garbage = await rawSocket(ctx.baseUrl, 'NOT HTTP AT ALL\r\n\r\n');
    expectContractError(garbage, 400, 'malformed_request');
  });
});

/** Issue 10 item 6: every /api/v1 route checks the key before the body is read. */
describe.each(DB_FLAVORS)('authentication before the body on %s (item 6)', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Every case here fails authentication from one address; the lock-out is tested in defects-rate-limits.
    ctx = await startTestApp(flavor, { RATE_LIMIT_AUTH_FAILURES: '1000' });
  });
  afterAll(async () => ctx?.close());

  const ROUTES: [string, string][] = [
    ['POST', '/api/v1/postbacks'],
    ['POST', '/api/v1/postbacks/preview'],
    ['POST', '/api/v1/postbacks/test'],
    ['PATCH', '/api/v1/postbacks/1'],
    ['POST', '/api/v1/postbacks/1/test'],
    ['POST', '/api/v1/deliveries/replay'],
    ['POST', '/api/v1/costs'],
    ['GET', '/api/v1/report'],
    ['POST', '/api/v1/conversions'],
    ['POST', '/api/v1/conversions/update'],
    ['POST', '/api/v1/partners'],
    ['PATCH', '/api/v1/campaigns/1'],
    ['POST', '/api/v1/no-such-route'],
  ];

  it.each(ROUTES)('%s %s: a 6 MB body without a key is 401, not 413', async (method, path) => {
    const res = await rawRequest(ctx.baseUrl, method, path, { 'content-type': 'application/json' }, SIX_MB);
    expectContractError(res, 401);
  });

  it.each(ROUTES)('%s %s: a 4.9 MB broken body with a wrong key is 401 (never parsed)', async (method, path) => {
    const res = await rawRequest(
      ctx.baseUrl,
      method,
      path,
      { 'content-type': 'application/json', authorization: 'Bearer pd_wrong' },
      BROKEN_JSON,
    );
    expectContractError(res, 401);
  });

  it('with a valid key the same broken body is parsed and refused as JSON', async () => {
    const res = await rawRequest(
      ctx.baseUrl,
      'POST',
      '/api/v1/costs',
      { 'content-type': 'application/json', authorization: `Bearer ${ctx.adminKey}` },
      BROKEN_JSON,
    );
    expectContractError(res, 400, 'invalid_json');
  });
});
