import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from './helpers/harness.js';

const BIN = path.resolve('bin/partnerdesk.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `partnerdesk` binary, as a user would, with extra environment. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('partnerdesk CLI (SQLite)', () => {
  let dir: string;
  let env: Record<string, string>;
  let db: Knex;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pd-cli-'));
    env = { DATA_DIR: dir, REDIS_URL: inject('redisUrl') };
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, then reports the schema as current', async () => {
    const first = await cli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 20261124000001_core');
    const again = await cli(['migrate'], env);
    expect(again.stdout).toMatch(/Already up to date/);
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'partnerdesk.sqlite') },
      useNullAsDefault: true,
    });
  });

  it('prints help for the program and for every verb, exit 0', async () => {
    const top = await cli(['--help'], env);
    expect(top.code).toBe(0);
    for (const verb of ['start', 'api', 'worker', 'migrate', 'seed', 'partner', 'campaign', 'apikey', 'doctor']) {
      expect(top.stdout).toContain(verb);
    }
    const sub = await cli(['partner', 'create', '--help'], env);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--timezone');
  });

  it('refuses a bad argument with exit 2 and exactly one line', async () => {
    const bad = await cli(['partner', 'create', '--name', 'A', '--email', 'a@x.example', '--currency', 'dollars'], env);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^partnerdesk: --currency must be a 3-letter/)]);
    const unknown = await cli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toHaveLength(1);
    const payout = await cli(['campaign', 'create', '--name', 'X', '--type', 'cpa', '--payout', 'lead'], env);
    expect(payout.code).toBe(2);
    expect(lines(payout.stderr)).toEqual([expect.stringContaining('--payout must look like lead=5.00')]);
  });

  it('creates and lists partners and campaigns', async () => {
    const p = await cli(
      ['partner', 'create', '--name', 'Acme', '--email', 'ops@acme.example', '--timezone', 'Europe/Berlin'],
      env,
    );
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/Created partner 1: Acme <ops@acme.example> \(USD, Europe\/Berlin, active\)/);
    const dup = await cli(['partner', 'create', '--name', 'Acme 2', '--email', 'OPS@acme.example'], env);
    expect(dup.code).toBe(1);
    expect(lines(dup.stderr)).toHaveLength(1);
    const c = await cli(
      [
        'campaign',
        'create',
        '--name',
        'Offer',
        '--type',
        'cpa',
        '--landing-url',
        'https://o.example/?c={clickid}',
        '--payout',
        'lead=5.00',
        '--payout',
        'sale=25%',
      ],
      env,
    );
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('Created campaign 1: Offer');
    const rows = await db('campaign_payouts').orderBy('id');
    expect(rows.map((r) => [r.type_key, r.kind, Number(r.amount), Number(r.percent_bp)])).toEqual([
      ['lead', 'fixed', 500, 0],
      ['sale', 'revshare', 0, 2500],
    ]);
    const list = await cli(['campaign', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).items[0].payouts[1]).toMatchObject({ type: 'sale', percent: '25' });
    expect((await cli(['partner', 'list'], env)).stdout).toContain('ops@acme.example');
  });

  it('prints a new API key once; only its hash is stored; list never shows it; revoke works', async () => {
    const k = await cli(['apikey', 'create', 'reporting'], env);
    expect(k.code).toBe(0);
    const key = lines(k.stdout).at(-1)!;
    expect(key).toMatch(/^pd_[A-Za-z0-9_-]{20,}$/);
    const row = await db('api_keys')
      .where({ key_hash: createHash('sha256').update(key).digest('hex') })
      .first();
    expect(row).toMatchObject({ name: 'reporting', role: 'admin' });
    const list = await cli(['apikey', 'list'], env);
    expect(list.stdout).toContain('reporting');
    expect(list.stdout).not.toContain(key);
    expect((await cli(['apikey', 'create', 'p', '--partner', '1'], env)).stdout).toContain('sees only partner 1');
    const revoked = await cli(['apikey', 'revoke', String(row.id)], env);
    expect(revoked.stdout).toContain('Revoked API key');
    expect((await db('api_keys').where({ id: row.id }).first()).revoked_at).not.toBeNull();
    expect((await cli(['apikey', 'revoke', '999'], env)).code).toBe(1);
  });

  it('doctor: one line per check, exit 0 when all is well and 1 naming the fix when Redis is down', async () => {
    const good = await cli(['doctor'], env);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok\s+database\s+SQLite .*schema current$/m);
    expect(good.stdout).toMatch(/^ok\s+redis\s+REDIS_URL redis:\/\/127\.0\.0\.1:\d+ answers PING$/m);
    expect(good.stdout).toMatch(/^ok\s+telegram\s+off/m);
    const bad = await cli(['doctor'], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
      SMTP_URL: 'smtp://u:secret@127.0.0.1:1',
    });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^PROBLEM\s+redis\s+/m);
    expect(bad.stdout).toMatch(/^PROBLEM\s+mail\s+SMTP 127\.0\.0\.1:1/m);
    expect(bad.stdout).toContain('fix:');
    expect(bad.stdout).not.toContain('secret');
  });

  it('seed --demo refuses a database that already has partners', async () => {
    const res = await cli(['seed', '--demo', '--clicks', '100'], env);
    expect(res.code).toBe(2);
    expect(lines(res.stderr)).toEqual([expect.stringContaining('already has partners')]);
  });

  it('bots without TELEGRAM_BOT_TOKEN says what to set and exits 2', async () => {
    const res = await cli(['bots'], env);
    expect(res.code).toBe(2);
    expect(lines(res.stderr)).toEqual([expect.stringContaining('set TELEGRAM_BOT_TOKEN')]);
  });
});

describe('partnerdesk seed and start (SQLite)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pd-cli-'));
    env = { DATA_DIR: dir, REDIS_URL: inject('redisUrl'), PORT: '0' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seed --demo fills an empty database and saves the demo key with mode 600', async () => {
    const res = await cli(['seed', '--demo', '--clicks', '2000'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Seeded 5 partners, 6 campaigns, 2,000 clicks/);
    expect(statSync(path.join(dir, 'demo-api-key.txt')).mode & 0o777).toBe(0o600);
  });

  it('start prints the banner with the saved demo key, serves HTTP and stops cleanly on SIGTERM', async () => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = Date.now() + 30_000;
    while (!out.includes('Next steps') && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('partnerdesk is running');
    expect(out).toMatch(/Demo admin API key/);
    expect(out).toMatch(/curl -i "http:\/\/127\.0\.0\.1:\d+\/t\/\d+\?pid=\d+/);
    const url = /HTTP\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const key = /Demo admin API key[^\n]*\n\s+(pd_\S+)/.exec(out)?.[1];
    const res = await fetch(`${url}/api/v1/partners`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('Stopped.');
  });
});

describe('partnerdesk CLI (PostgreSQL)', () => {
  it('migrates and manages partners through DATABASE_URL', async () => {
    const database = await freshDatabase('postgres');
    try {
      const env = { ...database.env, REDIS_URL: inject('redisUrl') };
      expect((await cli(['migrate'], env)).stdout).toContain('applied 20261124000001_core');
      const p = await cli(['partner', 'create', '--name', 'Pg', '--email', 'pg@x.example', '--json'], env);
      expect(JSON.parse(p.stdout)).toMatchObject({ id: 1, email: 'pg@x.example' });
      const doctor = await cli(['doctor'], env);
      expect(doctor.stdout).toMatch(/^ok\s+database\s+PostgreSQL 127\.0\.0\.1:5432\/pd_test_\w+, \d+ migration/m);
      expect(doctor.stdout).not.toContain('partnerdesk_test@');
    } finally {
      await database.drop();
    }
  });
});
