import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

describe.each(DB_FLAVORS)('harness on %s', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
  });
  afterAll(async () => ctx?.close());

  it('answers unknown routes with a JSON error naming the route', async () => {
    const res = await api(ctx, 'GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });
});
