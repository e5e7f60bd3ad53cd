/**
 * The data behind bench/bot.ts: the same 10M-click / 500k-conversion SQLite file bench/report.ts builds
 * (bench/.out/report-<clicks>-<conversions>.sqlite), reused while its signature matches and brought up to
 * the current schema by the app's own migrations. The bot writes only chat identities into it.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../src/db/knex.js';
import { generateReportData } from './generate-data.js';

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
    await generateReportData(db, { clicks, conversions, partners: PARTNERS, days: DAYS, end: DATA_END }, print);
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
  const rows = (await db('partners').where({ status: 'active' }).orderBy('id').select('id')) as { id: number }[];
  return { db, file, partnerIds: rows.map((r) => Number(r.id)) };
}
