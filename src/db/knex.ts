import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import type { Config } from '../config/index.js';
import { CachingSqliteClient } from './sqlite-writer-client.js';

export type Db = Knex;

/** Our timestamps are bigint epoch milliseconds; far below 2^53, so JS numbers hold them exactly. */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
/** SUM() over bigint is numeric in PostgreSQL; our sums are integer minor units well below 2^53. */
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};

export function isSqlite(db: Knex): boolean {
  return (db.client as { dialect?: string }).dialect === 'sqlite3';
}

/** Escapes LIKE's wildcards so a search for "50%" matches literally; pair with `escape '\\'` in the SQL. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** count(*) of a query as a number (PostgreSQL answers a string for some count types, SQLite a number). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [r] = await query.count({ n: '*' });
  return Number((r as { n: number | string } | undefined)?.n ?? 0);
}

export function knexConfig(database: Config['database']): Knex.Config {
  const migrationsConfig = { migrationSource, tableName: 'knex_migrations' };
  if (database.client === 'pg') {
    return { client: 'pg', connection: database.url, pool: { min: 0, max: 10 }, migrations: migrationsConfig };
  }
  // One connection: SQLite has one writer anyway, and a single connection keeps transactions serial
  // instead of failing with SQLITE_BUSY. The group-commit batchers make up for it in throughput.
  // cache_size -32768 = 32 MB of page cache: enough for the API's hot pages; 64 MB was a fifth of a worker's
  // RSS budget (300 MB while draining a million deliveries) spent on cache alone.
  // wal_autocheckpoint 100000 pages (~400 MB of WAL) is only a backstop: the app checkpoints from its read
  // pool, off the main thread, every second (db/wal-checkpoints.ts). The writer runs on the main thread, where
  // an automatic checkpoint inside a COMMIT stalled every request for as long as it copied (the default 1000
  // pages checkpointed several times a second under tracking load).
  return {
    ...writerConfig(
      database.filename,
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 100000;',
    ),
    migrations: migrationsConfig,
  };
}

function writerConfig(filename: string, pragmas: string): Knex.Config {
  return {
    // knex types a custom client as its own Client class; ours extends the untyped better-sqlite3 dialect.
    client: CachingSqliteClient as unknown as typeof Knex.Client,
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string): void }, done: (err: Error | null, c: unknown) => void) {
        try {
          conn.exec(pragmas);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  };
}

/** A knex config for a SQLite file whose every pooled connection first runs `pragmas`. */
function sqliteConfig(filename: string, pool: { min: number; max: number }, pragmas: string): Knex.Config {
  return {
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      ...pool,
      afterCreate(
        conn: { exec(sql: string, cb: (err: Error | null) => void): void },
        done: (err: Error | null, c: unknown) => void,
      ) {
        conn.exec(pragmas, (err) => done(err, conn));
      },
    },
  };
}

export function createDb(database: Config['database']): Knex {
  if (database.client === 'sqlite' && database.filename !== ':memory:') {
    mkdirSync(path.dirname(database.filename), { recursive: true });
  }
  return knexFactory(knexConfig(database));
}

/**
 * SQLite only: a small pool of read-only connections beside the single writer. In WAL mode readers never
 * wait for the writer, so look-ups that need no transaction (a conversion batch's clicks and terms, reports,
 * balances) run on other threads while the writer's transaction runs, instead of queueing behind it on the
 * one connection. Null for PostgreSQL (its pool already runs queries side by side) and for an in-memory
 * database (another connection would see another, empty database).
 */
export function createReadDb(database: Config['database']): Knex | null {
  if (database.client !== 'sqlite' || database.filename === ':memory:') return null;
  // query_only: a write through the reader by mistake fails loudly instead of racing the writer.
  // 8 MB of page cache each: the hot pages are small, and the writer's cache holds the rest.
  return knexFactory(
    sqliteConfig(
      database.filename,
      { min: 0, max: 2 },
      'PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8192;',
    ),
  );
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

/** Is this a unique-constraint violation (SQLite or PostgreSQL)? Used to turn races into duplicates. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '23505' ||
    (e?.code?.startsWith('SQLITE_CONSTRAINT') === true && /UNIQUE/i.test(`${e.code} ${e.message ?? ''}`))
  );
}
