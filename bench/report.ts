/**
 * Report engine latency: `npx tsx bench/report.ts [--clicks 10000000] [--conversions 500000]
 * [--db sqlite|postgres|both] [--runs 200] [--fresh]` (or `npm run bench:report`).
 *
 * Generates 30 days of traffic for 50 partners, 6 campaigns, 30 countries, 3 devices and 5 OSes (see
 * generate-data.ts), then times buildReport for one partner, 30 days, grouped by geo: the biggest partner
 * (worst case) and a median one, `runs` times each after a warm-up. The baseline, measured in the same
 * run, is the same report answered from the raw clicks/conversions tables (the engine's fallback path).
 * Target (issue 2): p95 <= 50 ms on SQLite and on PostgreSQL.
 *
 * Generated data is kept: SQLite in bench/.out/, PostgreSQL in database pd_bench_report (or
 * BENCH_DATABASE_URL), and reused while the sizes match; --fresh rebuilds it.
 * The machine has 2 cores shared with other work: figures are noisy, the ratio to the baseline less so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { buildReport, type ReportQuery } from '../src/app/build-report.js';
import { createDb, migrateLatest } from '../src/db/knex.js';
import { generateReportData } from './generate-data.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DAY_MS = 86_400_000;
const END = Date.UTC(2026, 10, 1); // data covers the 30 days before 2026-11-01 UTC
const DAYS = 30;
const PARTNERS = 50;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const CLICKS = Number(arg('clicks', '10000000'));
const CONVERSIONS = Number(arg('conversions', '500000'));
const RUNS = Number(arg('runs', '200'));
const WHICH = arg('db', 'both');
const FRESH = process.argv.includes('--fresh');
const SIGNATURE = `v1:${CLICKS}:${CONVERSIONS}:${PARTNERS}:${DAYS}:${END}`;

const fmt = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function time(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function isGenerated(db: Knex): Promise<boolean> {
  if (!(await db.schema.hasTable('bench_meta'))) return false;
  const row = await db('bench_meta').where({ k: 'signature' }).first();
  return row?.v === SIGNATURE;
}

async function generate(db: Knex, sqlite: boolean): Promise<number> {
  const t = performance.now();
  await migrateLatest(db);
  // Bulk load without a journal on SQLite (the file is rebuilt if this is interrupted), WAL again after.
  if (sqlite) await db.raw('PRAGMA journal_mode = OFF').then(() => db.raw('PRAGMA synchronous = OFF'));
  await generateReportData(
    db,
    { clicks: CLICKS, conversions: CONVERSIONS, partners: PARTNERS, days: DAYS, end: END },
    console.log,
  );
  if (sqlite) await db.raw('PRAGMA journal_mode = WAL').then(() => db.raw('PRAGMA synchronous = NORMAL'));
  await db.raw(sqlite ? 'ANALYZE' : 'VACUUM ANALYZE');
  await db.schema.createTable('bench_meta', (tb) => {
    tb.string('k').primary();
    tb.text('v');
  });
  await db('bench_meta').insert({ k: 'signature', v: SIGNATURE });
  return (performance.now() - t) / 1000;
}

/** The machine's PostgreSQL, as the test suite uses it (test/helpers/global-setup.ts): started if down. */
function localPostgresAdminUrl(): string {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return null;
    }
  };
  if (sh('pg_isready', ['-h', '127.0.0.1', '-p', '5432']) === null) sh('pg_ctlcluster', ['15', 'main', 'start']);
  const psql = (sql: string) =>
    execFileSync('su', ['postgres', '-c', `psql -v ON_ERROR_STOP=1 -qAtc "${sql}"`], { encoding: 'utf8' });
  if (psql("SELECT 1 FROM pg_roles WHERE rolname='partnerdesk_test'").trim() !== '1') {
    psql("CREATE ROLE partnerdesk_test LOGIN CREATEDB PASSWORD 'partnerdesk_test'");
  }
  return 'postgres://partnerdesk_test:partnerdesk_test@127.0.0.1:5432/postgres';
}

async function openPostgres(): Promise<{ db: Knex; where: string; reset(): Promise<Knex> }> {
  const external = process.env['BENCH_DATABASE_URL'];
  if (external) {
    const open = () => createDb({ client: 'pg', url: external });
    return {
      db: open(),
      where: 'BENCH_DATABASE_URL',
      reset: async () => {
        throw new Error('BENCH_DATABASE_URL holds other data or older bench data; empty it or unset the variable');
      },
    };
  }
  const adminUrl = localPostgresAdminUrl();
  const url = new URL(adminUrl);
  url.pathname = '/pd_bench_report';
  const admin = () => knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  const a = admin();
  const exists = await a.raw("SELECT 1 FROM pg_database WHERE datname = 'pd_bench_report'");
  if (exists.rows.length === 0) await a.raw('CREATE DATABASE pd_bench_report');
  await a.destroy();
  const open = () => createDb({ client: 'pg', url: url.toString() });
  const db = open();
  return {
    db,
    where: 'database pd_bench_report',
    reset: async () => {
      await db.destroy();
      const b = admin();
      await b.raw('DROP DATABASE IF EXISTS pd_bench_report WITH (FORCE)');
      await b.raw('CREATE DATABASE pd_bench_report');
      await b.destroy();
      return open();
    },
  };
}

async function benchOne(flavor: 'sqlite' | 'postgres'): Promise<void> {
  console.log(`\n== ${flavor === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ==`);
  let db: Knex;
  let where: string;
  let reset: () => Promise<Knex>;
  if (flavor === 'sqlite') {
    const dir = path.join(HERE, '.out');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `report-${CLICKS}-${CONVERSIONS}.sqlite`);
    const open = () => createDb({ client: 'sqlite', filename: file });
    db = open();
    where = path.relative(process.cwd(), file);
    reset = async () => {
      await db.destroy();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
      return open();
    };
  } else {
    ({ db, where, reset } = await openPostgres());
  }
  if (FRESH || !(await isGenerated(db))) {
    db = await reset();
    console.log(`generating ${fmt(CLICKS)} clicks and ${fmt(CONVERSIONS)} conversions into ${where} ...`);
    const secs = await generate(db, flavor === 'sqlite');
    console.log(`generated in ${secs.toFixed(0)} s`);
  } else {
    console.log(`reusing ${where} (${fmt(CLICKS)} clicks, ${fmt(CONVERSIONS)} conversions; --fresh rebuilds)`);
  }
  try {
    await measure(db);
  } finally {
    await db.destroy();
  }
}

async function measure(db: Knex): Promise<void> {
  const count = async (t: string) => Number(((await db(t).count({ n: '*' }).first()) as { n: number }).n);
  console.log(
    `rows: clicks ${fmt(await count('clicks'))}, conversions ${fmt(await count('conversions'))}, rollup_hourly ${fmt(await count('rollup_hourly'))}, rollup_dim_hourly ${fmt(await count('rollup_dim_hourly'))}`,
  );
  const sizes = (await db('rollup_dim_hourly')
    .select('partner_id')
    .sum({ clicks: 'clicks' })
    .where({ dim: 'all' })
    .groupBy('partner_id')
    .orderBy('clicks', 'desc')) as { partner_id: number; clicks: number }[];
  const top = sizes[0];
  const median = sizes[Math.floor(sizes.length / 2)];
  if (!top || !median) throw new Error('no data');
  const deps = { db };
  const base: Omit<ReportQuery, 'partnerId'> = { group: 'geo', from: END - DAYS * DAY_MS, to: END, timezone: 'UTC' };

  for (const [name, p] of [
    ['biggest partner', top],
    ['median partner', median],
  ] as const) {
    const q = { ...base, partnerId: Number(p.partner_id) };
    const runs = await time(() => buildReport(deps, q), RUNS, 20);
    const raw = await time(() => buildReport(deps, { ...q, source: 'raw' }), name === 'biggest partner' ? 5 : 10, 1);
    const a = await buildReport(deps, q);
    const b = await buildReport(deps, { ...q, source: 'raw' });
    const agree = JSON.stringify(a.rows) === JSON.stringify(b.rows);
    const p95 = percentile(runs, 95);
    console.log(
      `${name} #${p.partner_id} (${fmt(Number(p.clicks))} clicks in ${DAYS} d), group=geo, ${a.rows.length} rows, source=${a.source}:`,
    );
    console.log(
      `  rollups   p50 ${ms(percentile(runs, 50))}  p95 ${ms(p95)}  p99 ${ms(percentile(runs, 99))}  (${RUNS} runs)  target p95 <= 50 ms: ${p95 <= 50 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `  raw (baseline) p50 ${ms(percentile(raw, 50))}  (${raw.length} runs)  -> rollups ${(percentile(raw, 50) / percentile(runs, 50)).toFixed(0)}x faster; same figures: ${agree ? 'yes' : 'NO'}`,
    );
  }
  // For the record: what the bots ask most (days in a partner's zone) and the all-partners view.
  const byDay = await time(
    () => buildReport(deps, { ...base, group: 'day', partnerId: Number(top.partner_id), timezone: 'Europe/Berlin' }),
    50,
    5,
  );
  console.log(
    `biggest partner, group=day in Europe/Berlin: p50 ${ms(percentile(byDay, 50))}  p95 ${ms(percentile(byDay, 95))}`,
  );
  const campaign = await db('campaigns').min({ id: 'id' }).first();
  const filtered = await time(
    () =>
      buildReport(deps, { ...base, partnerId: Number(top.partner_id), filters: { campaignId: Number(campaign?.id) } }),
    10,
    1,
  );
  console.log(
    `biggest partner, group=geo, one campaign (rollup_hourly): p50 ${ms(percentile(filtered, 50))}  p95 ${ms(percentile(filtered, 95))}`,
  );
  const all = await time(() => buildReport(deps, { ...base }), 10, 1);
  console.log(`all partners, group=geo: p50 ${ms(percentile(all, 50))}  p95 ${ms(percentile(all, 95))}`);
}

async function main(): Promise<void> {
  console.log(
    `report benchmark: ${fmt(CLICKS)} clicks, ${fmt(CONVERSIONS)} conversions, ${PARTNERS} partners, ${DAYS} days (2 shared cores: figures are noisy)`,
  );
  if (WHICH === 'sqlite' || WHICH === 'both') await benchOne('sqlite');
  if (WHICH === 'postgres' || WHICH === 'both') await benchOne('postgres');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
