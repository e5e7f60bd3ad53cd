import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hashApiKey } from '../src/app/admin/api-keys.js';
import { createDemoKey, demoKeyFile } from '../src/cli/demo-key.js';
import { buildConfig } from '../src/config/index.js';
import { createLogger } from '../src/infra/logger.js';
import { createApp } from '../src/main/create-app.js';
import { DB_FLAVORS, freshDatabase } from './helpers/harness.js';

/**
 * Issue 10 items 14 and 15: `seed --demo` works on both databases and never leaves a key nobody knows;
 * DATA_DIR is 0700 and the SQLite file, its WAL/SHM and the key file are 0600, at creation and after a start.
 */
const mode = (p: string) => statSync(p).mode & 0o777;
const tmp = () => mkdtempSync(path.join(tmpdir(), 'pd-files-'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.resolve('bin/partnerdesk.js'), ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.each(DB_FLAVORS)('seed --demo on %s (item 14)', (flavor) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('seeds, saves the key 0600 in a DATA_DIR it creates 0700, and the key works', async () => {
    const db = await freshDatabase(flavor);
    cleanups.push(db.drop);
    const dataDir = path.join(db.env.DATA_DIR ?? tmp(), 'not-yet-there');
    const env = { ...db.env, DATA_DIR: dataDir, REDIS_URL: inject('redisUrl') };
    const res = await cli(['seed', '--demo', '--clicks', '300', '--days', '3'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Seeded 5 partners/);
    const key = readFileSync(demoKeyFile(dataDir), 'utf8').trim();
    expect(res.stdout).toContain(key);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(demoKeyFile(dataDir))).toBe(0o600);
    const config = buildConfig(env);
    const app = await createApp(config, { logger: createLogger('silent'), redis: null, readPool: false });
    try {
      const row = await app
        .db('api_keys')
        .where({ key_hash: hashApiKey(key) })
        .first();
      expect(row).toMatchObject({ name: 'demo', role: 'admin', revoked_at: null });
    } finally {
      await app.close();
    }
  });

  it('revokes the new key when its file cannot be written, so no live key has an unknown secret', async () => {
    const db = await freshDatabase(flavor);
    cleanups.push(db.drop);
    const dataDir = db.env.DATA_DIR ?? tmp();
    const config = buildConfig({ ...db.env, REDIS_URL: '' });
    const app = await createApp(config, { logger: createLogger('silent'), redis: null, readPool: false });
    try {
      mkdirSync(demoKeyFile(dataDir)); // a directory where the file should go: the write fails
      await expect(createDemoKey(app, dataDir)).rejects.toThrow();
      expect(await app.db('api_keys').where({ name: 'demo' }).whereNull('revoked_at')).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});

describe('private files of the embedded database (item 15)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function startAndWrite(dataDir: string) {
    const config = buildConfig({ DATA_DIR: dataDir, REDIS_URL: '' });
    const app = await createApp(config, { logger: createLogger('silent'), redis: null });
    await app.db('partners').insert({
      name: 'P',
      email: `p${Date.now()}@example.com`,
      status: 'active',
      currency: 'USD',
      timezone: 'UTC',
      created_at: 1,
      updated_at: 1,
    });
    return { app, file: config.database.client === 'sqlite' ? config.database.filename : '' };
  }

  it('creates DATA_DIR 0700 and the database, WAL and SHM 0600 under umask 022', async () => {
    const parent = tmp();
    dirs.push(parent);
    const old = process.umask(0o022);
    try {
      const dataDir = path.join(parent, 'data');
      const { app, file } = await startAndWrite(dataDir);
      try {
        expect(mode(dataDir)).toBe(0o700);
        expect(mode(file)).toBe(0o600);
        expect(existsSync(`${file}-wal`)).toBe(true);
        expect(mode(`${file}-wal`)).toBe(0o600);
        expect(mode(`${file}-shm`)).toBe(0o600);
      } finally {
        await app.close();
      }
    } finally {
      process.umask(old);
    }
  });

  it('corrects a world-readable DATA_DIR and files left by an older version on start', async () => {
    const dataDir = tmp();
    dirs.push(dataDir);
    const first = await startAndWrite(dataDir);
    await first.app.close();
    const file = first.file;
    chmodSync(dataDir, 0o755);
    writeFileSync(demoKeyFile(dataDir), 'pd_old\n', { mode: 0o644 });
    for (const f of [file, `${file}-wal`, `${file}-shm`, demoKeyFile(dataDir)]) {
      if (!existsSync(f)) continue;
      chmodSync(f, 0o644);
    }
    const second = await startAndWrite(dataDir);
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`, demoKeyFile(dataDir)]) {
        if (existsSync(f)) expect(mode(f), f).toBe(0o600);
      }
    } finally {
      await second.app.close();
    }
  });
});
