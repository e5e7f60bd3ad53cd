import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import knexFactory from 'knex';
import { inject } from 'vitest';
import { createApiKey } from '../../src/app/admin/api-keys.js';
import { buildConfig, type Config } from '../../src/config/index.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/infra/logger.js';
import { type App, type CreateAppOptions, createApp } from '../../src/main/create-app.js';

export type DbFlavor = 'sqlite' | 'postgres';
export const DB_FLAVORS: DbFlavor[] = ['sqlite', 'postgres'];

export interface TestContext {
  flavor: DbFlavor;
  config: Config;
  app: App;
  server: FastifyInstance;
  /** http://127.0.0.1:PORT of a real listening server. */
  baseUrl: string;
  /** An admin API key, ready for `Authorization: Bearer`. */
  adminKey: string;
  close(): Promise<void>;
}

/** A fresh, empty, migrated database of the given flavor: a temp SQLite file or a new PostgreSQL database. */
export async function freshDatabase(flavor: DbFlavor): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (flavor === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-test-'));
    return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = inject('pgUrl');
  const name = `pd_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-test-'));
  return {
    env: { DATA_DIR: dir, DATABASE_URL: url.toString() },
    drop: async () => {
      const a = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
      try {
        await dropDatabase(a, name);
      } finally {
        await a.destroy();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * FORCE ends the test role's own leftover connections, but not another role's: a superuser session elsewhere on
 * a shared machine that happens to be connected (seen: "must be a member of the role whose process is being
 * terminated") made teardown fail after every test had passed. Such a connection is brief, so try again for a
 * few seconds; a throwaway database that still cannot be dropped is left behind with a warning, not a failure.
 */
async function dropDatabase(admin: ReturnType<typeof knexFactory>, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (err) {
      if (!/member of the role|being accessed by other users/.test(String(err))) throw err;
      if (attempt >= 10) {
        process.emitWarning(`test database ${name} left behind: ${(err as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Boots the real app and HTTP server on 127.0.0.1 against a fresh database of `flavor` and the suite's
 * throwaway Redis. `env` adds or overrides configuration variables.
 */
export async function startTestApp(
  flavor: DbFlavor,
  env: Record<string, string> = {},
  /** Parts the test brings instead of the real ones (the composition root takes them all the same). */
  parts: Pick<CreateAppOptions, 'charts'> = {},
): Promise<TestContext> {
  const database = await freshDatabase(flavor);
  const config = buildConfig({
    LOG_LEVEL: 'silent',
    PORT: '0',
    REDIS_URL: inject('redisUrl'),
    ...database.env,
    ...env,
  });
  const app = await createApp(config, { logger: createLogger('silent'), ...parts });
  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const { key } = await createApiKey(app, { name: 'test-admin' });
  return {
    flavor,
    config,
    app,
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey: key,
    async close() {
      await server.close();
      await app.close();
      await database.drop();
    },
  };
}

/** fetch with the admin key and JSON, returning status, headers and parsed body. */
export async function api(
  ctx: TestContext,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  key: string | null = ctx.adminKey,
  // biome-ignore lint/suspicious/noExplicitAny: test responses are asserted field by field
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = {};
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(ctx.baseUrl + pathAndQuery, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a redirect, CSV, metrics): keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
