import { createRequire } from 'node:module';
import knexFactory, { type Knex } from 'knex';
import { migrations } from '../../migrations/index.js';
import type { Config } from '../config/index.js';
import { prepareSqliteFile } from '../infra/private-files.js';
import { threadedSqliteReaderClient } from './sqlite-reader-client.js';
import { CachingSqliteClient } from './sqlite-writer-client.js';

export type Db = Knex;

/**
 * The pg driver's number parsing, set before the first PostgreSQL connection (loaded only then: a SQLite
 * process never needs the driver). Idempotent; knex loads the same module.
 */
function setPgTypeParsers(): void {
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  /** Our timestamps are bigint epoch milliseconds; far below 2^53, so JS numbers hold them exactly. */
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  /** SUM() over bigint is numeric in PostgreSQL; our sums are integer minor units well below 2^53. */
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
}

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
  return {
    // knex types a custom client as its own Client class; ours extends the untyped better-sqlite3 dialect.
    client: CachingSqliteClient as unknown as typeof Knex.Client,
    connection: { filename: database.filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { exec(sql: string): void }, done: (err: Error | null, c: unknown) => void) {
        try {
          conn.exec(WRITER_PRAGMAS);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    migrations: migrationsConfig,
  };
}

// cache_size -32768 = 32 MB of page cache: enough for the API's hot pages; 64 MB was a fifth of a worker's
// RSS budget (300 MB while draining a million deliveries) spent on cache alone.
// wal_autocheckpoint 20000 pages (~80 MB of WAL) is only a backstop: the app checkpoints from its read pool,
// off the main thread, every second (db/wal-checkpoints.ts). The writer runs on the main thread, where an
// automatic checkpoint inside a COMMIT stalls every request for as long as it copies (the default 1000
// pages checkpointed several times a second under tracking load). journal_size_limit: once checkpointed,
// a WAL that grew in a burst is cut back to 64 MB instead of keeping its peak size on disk.
const WRITER_PRAGMAS =
  'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 20000; PRAGMA journal_size_limit = 67108864;';

export function createDb(database: Config['database']): Knex {
  if (database.client === 'pg') setPgTypeParsers();
  if (database.client === 'sqlite' && database.filename !== ':memory:') prepareSqliteFile(database.filename);
  return knexFactory(knexConfig(database));
}

/**
 * SQLite only: a small pool of read-only connections beside the single writer, each in a worker thread
 * (sqlite-reader-client.ts). In WAL mode readers never wait for the writer, so reports and balances run on
 * other threads while the writer writes, instead of queueing behind it or stopping the event loop. It also
 * runs the WAL checkpoints (wal-checkpoints.ts). Null for PostgreSQL (its pool already runs queries side by
 * side) and for an in-memory database (another connection would see another, empty database).
 */
export function createReadDb(database: Config['database']): Knex | null {
  if (database.client !== 'sqlite' || database.filename === ':memory:') return null;
  // query_only: a write through the reader by mistake fails loudly instead of racing the writer.
  // 8 MB of page cache each: the hot pages are small, and the writer's cache holds the rest.
  const pragmas =
    'PRAGMA query_only = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8192;';
  return knexFactory({
    // knex types a custom client as its own Client class; ours extends the untyped better-sqlite3 dialect.
    client: threadedSqliteReaderClient(pragmas) as unknown as typeof Knex.Client,
    connection: { filename: database.filename },
    useNullAsDefault: true,
    pool: { min: 0, max: 2 },
  });
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
