import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildConfig } from '../src/config/index.js';
import { buildServer } from '../src/http/server.js';
import { createLogger } from '../src/infra/logger.js';
import { type App, createApp } from '../src/main/create-app.js';
import { freshDatabase } from './helpers/harness.js';
import { rawRequest } from './helpers/raw-http.js';

/**
 * Issue 10 item 7: the webhook secret is checked before anything else (broken JSON or a huge body without it
 * is 401, not 400/413); rejections are counted in a metric and logged at most once a minute.
 */
const SECRET = 'whsec_item7';

describe('telegram webhook rejections', () => {
  let app: App;
  let server: FastifyInstance;
  let baseUrl: string;
  let drop: () => Promise<void>;
  const lines: { event?: string; rejections?: number; msg?: string }[] = [];
  const updates: unknown[] = [];

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    drop = db.drop;
    const config = buildConfig({
      ...db.env,
      REDIS_URL: inject('redisUrl'),
      TELEGRAM_BOT_TOKEN: '123:test',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9/',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    app = await createApp(config, { logger: createLogger('warn', sink) });
    server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    app.telegramWebhook.attach(async (u) => {
      updates.push(u);
    });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await drop?.();
  });

  const post = (headers: Record<string, string>, body: string | Buffer) =>
    rawRequest(baseUrl, 'POST', '/telegram/webhook', { 'content-type': 'application/json', ...headers }, body);

  it('answers broken JSON and a 6 MB body without the secret with 401', async () => {
    const broken = await post({}, '{"update_id": 1,');
    expect(broken.status).toBe(401);
    expect(broken.body.error.code).toBe('bad_webhook_secret');
    const wrong = await post({ 'x-telegram-bot-api-secret-token': 'nope' }, '{not json');
    expect(wrong.status).toBe(401);
    const huge = await post({}, Buffer.alloc(6 * 1024 * 1024, 'a'));
    expect(huge.status).toBe(401);
    expect(updates).toHaveLength(0);
  });

  it('with the secret, broken JSON is 400 and an update is handled', async () => {
    const broken = await post({ 'x-telegram-bot-api-secret-token': SECRET }, '{"update_id": 1,');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const ok = await post({ 'x-telegram-bot-api-secret-token': SECRET }, '{"update_id": 7}');
    expect(ok.status).toBe(200);
    expect(updates).toEqual([{ update_id: 7 }]);
  });

  it('counts every rejection in a metric and logs one line a minute at most', async () => {
    for (let i = 0; i < 20; i++) expect((await post({}, '{}')).status).toBe(401);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const m = /partnerdesk_webhook_rejected_total\{webhook="telegram",reason="bad_secret"\} (\d+)/.exec(metrics);
    expect(Number(m?.[1])).toBe(23); // 3 from the first test, 20 here
    const warned = lines.filter((l) => l.event === 'telegram.webhook_rejected');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.rejections).toBe(1);
  });
});
