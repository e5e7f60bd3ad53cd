import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { buildConfig } from '../src/config/index.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/infra/logger.js';
import { type App, createApp } from '../src/main/create-app.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { startTestApp, type TestContext } from './helpers/harness.js';

/**
 * Issue 10 item 4: limits per key and per client address on the API, on failed authentication, on test
 * fires and on webhooks; 429 in the contract shape with Retry-After; shared by every process on one Redis.
 * The test client stands in for many clients through X-Forwarded-For (TRUST_PROXY=127.0.0.1).
 */
async function untilRedisReady(...apps: App[]): Promise<void> {
  // Up to 30 s: on a loaded machine the first connection has taken longer than the 5 s once allowed here.
  for (let i = 0; i < 1200 && apps.some((a) => a.redis?.status !== 'ready'); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  if (apps.some((a) => a.redis?.status !== 'ready')) throw new Error('an app did not connect to Redis within 30 s');
}

let clientSeq = 0;
const newClient = () => `198.51.100.${++clientSeq}`;

describe('rate limits', () => {
  let ctx: TestContext;
  let second: { app: App; server: FastifyInstance; baseUrl: string };
  beforeAll(async () => {
    ctx = await startTestApp('sqlite', {
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_API_PER_KEY: '5',
      RATE_LIMIT_API_PER_ADDRESS: '8',
      RATE_LIMIT_AUTH_FAILURES: '3',
      RATE_LIMIT_TEST_FIRES: '2',
      RATE_LIMIT_WEBHOOK_PER_ADDRESS: '3',
      TELEGRAM_BOT_TOKEN: '123:test',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9/',
      TELEGRAM_WEBHOOK_SECRET: 'whsec_rate',
    });
    // A second process on the same database and Redis: the limits must hold across both.
    const app = await createApp(ctx.config, { logger: createLogger('silent') });
    const server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    second = { app, server, baseUrl: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
    // Until its Redis connection is up a process counts on its own (rate-limit-store.ts); here both share.
    await untilRedisReady(ctx.app, app);
  });
  afterAll(async () => {
    await second?.server.close();
    await second?.app.close();
    await ctx?.close();
  });

  const call = (opts: {
    key?: string | null;
    client: string;
    base?: string;
    path?: string;
    method?: string;
    body?: unknown;
  }) =>
    fetch(`${opts.base ?? ctx.baseUrl}${opts.path ?? '/api/v1/partners'}`, {
      method: opts.method ?? 'GET',
      headers: {
        'x-forwarded-for': opts.client,
        ...(opts.key === null ? {} : { authorization: `Bearer ${opts.key ?? ctx.adminKey}` }),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });

  async function expect429(res: Response, code = 'rate_limited') {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/retry in \d+ s/);
  }

  it('limits each API key, across processes, without touching other keys', async () => {
    const { key } = await createApiKey(ctx.app, { name: 'limited' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const base = i % 2 === 0 ? ctx.baseUrl : second.baseUrl;
      statuses.push((await call({ key, client: newClient(), base })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await expect429(await call({ key, client: newClient() }));
    await expect429(await call({ key, client: newClient(), base: second.baseUrl }));
    expect((await call({ client: newClient() })).status).toBe(200);
  });

  it('limits each client address, whatever keys it uses', async () => {
    const client = newClient();
    for (let i = 0; i < 8; i++) {
      const { key } = await createApiKey(ctx.app, { name: `addr-${i}` });
      expect((await call({ key, client })).status).toBe(200);
    }
    await expect429(await call({ client }));
    expect((await call({ client: newClient() })).status).toBe(200);
  });

  it('locks an address out after failed authentications, even for a right key, and counts it', async () => {
    const client = newClient();
    for (let i = 0; i < 3; i++) expect((await call({ key: `pd_guess${i}`, client })).status).toBe(401);
    await expect429(await call({ key: 'pd_guess_again', client }));
    await expect429(await call({ client, base: second.baseUrl }));
    expect((await call({ client: newClient() })).status).toBe(200);
    const metrics = await (await fetch(`${ctx.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/partnerdesk_rate_limited_total\{limit="auth-fail"\} [1-9]/);
  });

  it('allows only a few test fires per key', async () => {
    const partner = await makePartner(ctx.app.db);
    const { key } = await createApiKey(ctx.app, { name: 'tester', role: 'partner', partnerId: partner });
    const fire = () => call({ key, client: newClient(), method: 'POST', path: '/api/v1/postbacks/test', body: {} });
    expect((await fire()).status).not.toBe(429);
    expect((await fire()).status).not.toBe(429);
    await expect429(await fire());
    const saved = call({ key, client: newClient(), method: 'POST', path: '/api/v1/postbacks/1/test', body: {} });
    await expect429(await saved);
    // Other API calls with that key still go through.
    expect((await call({ key, client: newClient(), path: '/api/v1/postbacks' })).status).toBe(200);
  });

  it('limits webhook calls per address, good secret or not', async () => {
    const client = newClient();
    const hook = (secret: string) =>
      fetch(`${ctx.baseUrl}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'x-forwarded-for': client,
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': secret,
        },
        body: '{"update_id":1}',
      });
    const statuses = [(await hook('whsec_rate')).status, (await hook('whsec_rate')).status, (await hook('x')).status];
    expect(statuses).toEqual([503, 503, 401]); // no bot runs in this process: 503 asks Telegram to retry
    await expect429(await hook('whsec_rate'));
  });

  it('leaves ad traffic alone by default', async () => {
    const partner = await makePartner(ctx.app.db);
    const campaign = await makeCampaign(ctx.app.db);
    await grantAccess(ctx.app.db, partner, campaign);
    const client = newClient();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${ctx.baseUrl}/t/${campaign}?pid=${partner}`, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': client },
      });
      expect(res.status).toBe(302);
      const pb = await fetch(`${ctx.baseUrl}/postback?clickid=nope${i}`, { headers: { 'x-forwarded-for': client } });
      expect(pb.status).toBe(404);
    }
  });
});

describe('ad traffic limit when the operator opts in', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp('sqlite', { RATE_LIMIT_TRACKING_PER_ADDRESS: '3' });
    await untilRedisReady(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it('limits /t and /postback per address', async () => {
    const partner = await makePartner(ctx.app.db);
    const campaign = await makeCampaign(ctx.app.db);
    await grantAccess(ctx.app.db, partner, campaign);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${ctx.baseUrl}/t/${campaign}?pid=${partner}`, { redirect: 'manual' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([302, 302, 302, 429]);
    expect((await fetch(`${ctx.baseUrl}/postback?clickid=x`)).status).toBe(429);
  });
});

describe('a process without Redis', () => {
  it('still limits, counting on its own', async () => {
    const ctx = await startTestApp('sqlite', { RATE_LIMIT_API_PER_KEY: '2' });
    const app = await createApp(ctx.config, { logger: createLogger('silent'), redis: null });
    const server = await buildServer(app);
    try {
      const get = () =>
        server.inject({ method: 'GET', url: '/api/v1/partners', headers: { authorization: `Bearer ${ctx.adminKey}` } });
      expect([(await get()).statusCode, (await get()).statusCode, (await get()).statusCode]).toEqual([200, 200, 429]);
    } finally {
      await server.close();
      await app.close();
      await ctx.close();
    }
  });
});

describe('rate limit defaults', () => {
  it('are on for the API, auth failures, test fires and webhooks, and off for ad traffic', () => {
    expect(buildConfig({}).rateLimits).toEqual({
      apiPerKey: 600,
      apiPerAddress: 1200,
      authFailures: 30,
      testFires: 10,
      webhookPerAddress: 1200,
      trackingPerAddress: 0,
    });
    expect(() => buildConfig({ RATE_LIMIT_API_PER_KEY: '-1' })).toThrow(/RATE_LIMIT_API_PER_KEY/);
    expect(() => buildConfig({ RATE_LIMIT_TEST_FIRES: 'many' })).toThrow(/RATE_LIMIT_TEST_FIRES/);
  });
});
