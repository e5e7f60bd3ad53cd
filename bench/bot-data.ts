/**
 * The data behind bench/bot.ts: the same 10M-click / 500k-conversion SQLite file bench/report.ts builds
 * (bench/.out/report-<clicks>-<conversions>.sqlite), reused while its signature matches and brought up to
 * the current schema by the app's own migrations. The bot writes only chat identities into it.
 *
 * The balance command sums a partner's ledger, so the data carries one like the app's (generateLedger: an
 * entry per conversion, weekly payments). Files generated before that existed get it added here, once, in
 * one transaction (seconds, against ~10 minutes to regenerate 10M clicks); bench/report.ts never reads it.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../src/db/knex.js';
import { type GenOptions, generateLedger, generateReportData } from './generate-data.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DAYS = 30;
const PARTNERS = 50;
/** The data covers the 30 days before this instant (as in bench/report.ts). */
export const DATA_END = Date.UTC(2026, 10, 1);

export interface BenchData {
  db: Knex;
  file: string;
  partnerIds: number[];
}

/** Opens (or with `fresh`, or when missing, generates) the report benchmark database. */
export async function openBotBenchData(
  clicks: number,
  conversions: number,
  fresh: boolean,
  print: (s: string) => void,
): Promise<BenchData> {
  const dir = path.join(HERE, '.out');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `report-${clicks}-${conversions}.sqlite`);
  // Must equal bench/report.ts's signature, so both benches share one file.
  const signature = `v1:${clicks}:${conversions}:${PARTNERS}:${DAYS}:${DATA_END}`;
  const gen: GenOptions = { clicks, conversions, partners: PARTNERS, days: DAYS, end: DATA_END };
  let db = createDb({ client: 'sqlite', filename: file });
  const generated =
    (await db.schema.hasTable('bench_meta')) &&
    (await db('bench_meta').where({ k: 'signature' }).first())?.v === signature;
  if (fresh || !generated) {
    await db.destroy();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
    db = createDb({ client: 'sqlite', filename: file });
    print(`generating ${clicks} clicks and ${conversions} conversions into ${path.relative(process.cwd(), file)} ...`);
    await migrateLatest(db);
    // Bulk load without a journal (the file is rebuilt if this is interrupted), WAL again after.
    await db.raw('PRAGMA journal_mode = OFF').then(() => db.raw('PRAGMA synchronous = OFF'));
    await generateReportData(db, gen, print);
    await db.raw('PRAGMA journal_mode = WAL').then(() => db.raw('PRAGMA synchronous = NORMAL'));
    await db.raw('ANALYZE');
    await db.schema.createTable('bench_meta', (tb) => {
      tb.string('k').primary();
      tb.text('v');
    });
    await db('bench_meta').insert({ k: 'signature', v: signature });
  } else {
    print(`reusing ${path.relative(process.cwd(), file)} (--fresh regenerates it)`);
  }
  const applied = await migrateLatest(db);
  if (applied.length > 0) print(`applied pending migrations: ${applied.join(', ')}`);
  await ensureLedger(db, gen, print);
  const rows = (await db('partners').where({ status: 'active' }).orderBy('id').select('id')) as { id: number }[];
  return { db, file, partnerIds: rows.map((r) => Number(r.id)) };
}

/** Adds the ledger to data generated without one; a no-op once any entry exists. */
async function ensureLedger(db: Knex, gen: GenOptions, print: (s: string) => void): Promise<void> {
  if (await db('ledger_entries').first('id')) return;
  const t0 = performance.now();
  print('adding ledger entries and payments to the cached data (once) ...');
  await db.transaction((trx) => generateLedger(trx, gen, print));
  await db.raw('ANALYZE ledger_entries').then(() => db.raw('ANALYZE payments'));
  print(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
