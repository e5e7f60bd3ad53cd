import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { revokeApiKey } from '../src/app/admin/revoke-api-key.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { startSecondInstance } from './helpers/second-instance.js';

/** Polls until `check` holds; answers how long that took (ms), or fails after `limitMs`. */
async function msUntil(check: () => Promise<boolean>, limitMs = 5_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

const BIN = path.resolve('bin/partnerdesk.js');
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('changes reach every process within a second (postgres, two api instances)', () => {
  let a: TestContext;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;

  beforeAll(async () => {
    a = await startTestApp('postgres');
    b = await startSecondInstance(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a key revoked through one instance is refused by the other within 1 s', async () => {
    const { id, key } = await createApiKey(a.app, { name: 'to-revoke' });
    // Both instances have verified (and cached) the key.
    expect((await api(a, 'GET', '/api/v1/partners', undefined, key)).status).toBe(200);
    expect((await api(b.ctx, 'GET', '/api/v1/partners', undefined, key)).status).toBe(200);
    await revokeApiKey(a.app, id);
    expect((await api(a, 'GET', '/api/v1/partners', undefined, key)).status).toBe(401);
    const ms = await msUntil(async () => (await api(b.ctx, 'GET', '/api/v1/partners', undefined, key)).status === 401);
    expect(ms).toBeLessThan(1_000);
    // Other keys keep working.
    expect((await api(b.ctx, 'GET', '/api/v1/partners')).status).toBe(200);
  });

  it('a campaign paused through one instance stops redirecting on the other within 1 s', async () => {
    const { partnerId, campaignId } = await makeApprovedPair(a.app.db);
    const click = (ctx: TestContext) => api(ctx, 'GET', `/t/${campaignId}?pid=${partnerId}`, undefined, null);
    expect((await click(b.ctx)).status).toBe(302);
    const paused = await api(a, 'PATCH', `/api/v1/campaigns/${campaignId}`, { status: 'paused' });
    expect(paused.status, paused.text).toBe(200);
    const ms = await msUntil(async () => (await click(b.ctx)).status !== 302);
    expect(ms).toBeLessThan(1_000);
    expect((await click(b.ctx)).status).toBe(404);
  });
});

describe.each(DB_FLAVORS)('`apikey revoke` from the CLI reaches a running server (%s)', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('the revoked key is refused within 1 s of the command returning', { timeout: 60_000 }, async () => {
    const { id, key } = await createApiKey(ctx.app, { name: 'cli-revoked' });
    expect((await api(ctx, 'GET', '/api/v1/partners', undefined, key)).status).toBe(200);
    const env: Record<string, string> = {
      DATA_DIR: ctx.config.dataDir,
      REDIS_URL: ctx.config.redisUrl as string,
      ...(ctx.config.database.client === 'pg' ? { DATABASE_URL: ctx.config.database.url } : {}),
    };
    const run = await cli(['apikey', 'revoke', String(id)], env);
    expect(run.code, run.stderr).toBe(0);
    const ms = await msUntil(async () => (await api(ctx, 'GET', '/api/v1/partners', undefined, key)).status === 401);
    expect(ms).toBeLessThan(1_000);
  });
});
