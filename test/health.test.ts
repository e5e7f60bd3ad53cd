import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

/** A loopback port nothing listens on: bound, then released, so connecting is refused. */
async function closedPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const addr = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof addr === 'object' && addr ? addr.port : 1;
}

describe.each(DB_FLAVORS)('health and metrics on %s', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
  });
  afterAll(async () => ctx?.close());

  it('GET /healthz answers 200 with every part ok', async () => {
    const res = await api(ctx, 'GET', '/healthz', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
  });

  it('GET /metrics serves Prometheus text with the partnerdesk counters', async () => {
    const res = await api(ctx, 'GET', '/metrics', undefined, null);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE partnerdesk_clicks_total counter');
    expect(res.text).toMatch(/^partnerdesk_clicks_total 0$/m);
    expect(res.text).toContain('partnerdesk_process_');
  });

  it('GET /healthz answers 503 naming Redis when Redis is unreachable', async () => {
    const down = await startTestApp(flavor, { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const res = await api(down, 'GET', '/healthz', undefined, null);
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(res.body.db).toBe('ok');
      expect(res.body.redis).toMatch(/^error: .+/);
    } finally {
      await down.close();
    }
  });

  it('GET /healthz stays 200 and says not_configured when the role runs without Redis', async () => {
    const noRedis = await startTestApp(flavor, { REDIS_URL: '' });
    try {
      const res = await api(noRedis, 'GET', '/healthz', undefined, null);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', db: 'ok', redis: 'not_configured' });
    } finally {
      await noRedis.close();
    }
  });

  it('GET /healthz answers 503 naming the database when it cannot be queried', async () => {
    const broken = await startTestApp(flavor);
    try {
      // The pool is gone, as after a lost database: every query now fails.
      await broken.app.db.destroy();
      const res = await api(broken, 'GET', '/healthz', undefined, null);
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(res.body.db).toMatch(/^error: .+/);
      expect(res.body.redis).toBe('ok');
    } finally {
      await broken.close();
    }
  });
});
