import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import { CachingSqliteClient } from './sqlite-writer-client.js';
import { prepared } from './statement-cache.js';

type Q = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

export interface InsertOptions {
  /** ON CONFLICT (these columns) DO NOTHING: a row that already exists is skipped, not an error. */
  ignoreConflictOn?: readonly string[];
  /** Columns to return for each row actually inserted: `id` (the new key) and columns of the row itself. */
  returning?: readonly string[];
  /** Rows per multi-row statement on PostgreSQL (bounded by its 65,535 bind parameters). */
  chunk?: number;
}

/**
 * Inserts rows, answering the `returning` columns of those inserted. The hot tables (conversions,
 * deliveries, attempts, ledger) go through here.
 *
 * Inside a transaction on the SQLite writer, each row is one run of a cached single-row prepared statement.
 * knex builds a multi-row INSERT as one new SQL string per batch size, which SQLite then has to compile:
 * on the relay's hot path, building and compiling took more main-thread time than the inserts themselves
 * (measured: knex 13 %, prepare 9 %, execution 22 % of the thread). A prepared statement re-run costs
 * about a microsecond plus the insert. On PostgreSQL (a network round trip per statement) rows go in
 * multi-row statements through knex as before.
 */
export async function insertRows(
  q: Q,
  table: string,
  rows: readonly object[],
  opts: InsertOptions = {},
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const conn = await sqliteWriterConnection(q);
  // Rows are plain column -> value records; `object` only spares callers a cast from their row types.
  const records = rows as readonly Row[];
  return conn ? insertEach(conn, table, records, opts) : insertChunked(q, table, records, opts);
}

/**
 * On the SQLite writer inside a transaction: runs one cached prepared statement once per parameter list
 * and answers true. Anywhere else answers false and runs nothing, for the caller's multi-row statement.
 */
export async function runEachOnSqlite(q: Q, sql: string, params: readonly unknown[][]): Promise<boolean> {
  const conn = await sqliteWriterConnection(q);
  if (!conn) return false;
  const statement = prepared(conn, sql);
  for (const p of params) statement.run(p);
  return true;
}

/** The better-sqlite3 connection a transaction on the SQLite writer holds; null anywhere else. */
async function sqliteWriterConnection(q: Q): Promise<BetterSqlite3.Database | null> {
  // Only a transaction pins its connection; outside one, knex's pool hands connections out per query.
  if (!q.isTransaction || !(q.client instanceof CachingSqliteClient)) return null;
  // knex refuses queries on a finished transaction; so must we, or rows would go in outside any transaction.
  if ((q as Knex.Transaction).isCompleted()) throw new Error('Transaction query already complete');
  return (await q.client.acquireConnection()) as BetterSqlite3.Database;
}

function insertEach(conn: BetterSqlite3.Database, table: string, rows: readonly Row[], opts: InsertOptions): Row[] {
  const out: Row[] = [];
  let columns: string[] = [];
  let statement: BetterSqlite3.Statement | null = null;
  const values: unknown[] = [];
  for (const row of rows) {
    // Rows of one call normally share their columns; a row with other ones gets its own statement.
    if (!statement || !sameColumns(columns, row)) {
      columns = Object.keys(row);
      statement = prepared(conn, insertSql(table, columns, opts));
      values.length = columns.length;
    }
    // One array for every row: better-sqlite3 copies the values when it binds them.
    for (let i = 0; i < columns.length; i++) values[i] = bindable(row[columns[i] as string]);
    const result = statement.run(values);
    // No RETURNING: the new rowid is the id and every other column returned is the row's own value, which
    // spares SQLite building result rows and JavaScript reading them. `changes` 0: skipped as a duplicate.
    if (opts.returning && result.changes > 0) {
      const r: Row = {};
      for (const c of opts.returning) r[c] = c === 'id' ? Number(result.lastInsertRowid) : row[c];
      out.push(r);
    }
  }
  return out;
}

async function insertChunked(q: Q, table: string, rows: readonly Row[], opts: InsertOptions): Promise<Row[]> {
  const out: Row[] = [];
  const chunk = opts.chunk ?? 500;
  for (let i = 0; i < rows.length; i += chunk) {
    let query: Knex.QueryBuilder = q(table).insert(rows.slice(i, i + chunk));
    if (opts.ignoreConflictOn) query = query.onConflict([...opts.ignoreConflictOn]).ignore();
    if (opts.returning) out.push(...((await query.returning([...opts.returning])) as Row[]));
    else await query;
  }
  return out;
}

/**
 * PostgreSQL: a multi-row INSERT as SQL text with `?` placeholders (knex raw style) and its bindings, to be
 * run as part of a bigger statement (a data-modifying WITH clause). Columns are the first row's; a value
 * that is undefined is written as DEFAULT, as knex's insert builder does on PostgreSQL.
 */
export function insertStatement(
  table: string,
  rows: readonly object[],
  opts: Pick<InsertOptions, 'ignoreConflictOn'> = {},
): { sql: string; bindings: unknown[] } {
  const records = rows as readonly Row[];
  const columns = Object.keys(records[0] ?? {});
  const bindings: unknown[] = [];
  const values: string[] = [];
  for (const r of records) {
    let tuple = '(';
    for (let i = 0; i < columns.length; i++) {
      const v = r[columns[i] as string];
      if (i > 0) tuple += ',';
      if (v === undefined) tuple += 'DEFAULT';
      else {
        tuple += '?';
        bindings.push(v);
      }
    }
    values.push(`${tuple})`);
  }
  let sql = `insert into ${quote(table)} (${columns.map(quote).join(',')}) values ${values.join(',')}`;
  if (opts.ignoreConflictOn) sql += ` on conflict (${opts.ignoreConflictOn.map(quote).join(',')}) do nothing`;
  return { sql, bindings };
}

function sameColumns(columns: readonly string[], row: Row): boolean {
  let n = 0;
  for (const k in row) {
    if (columns[n] !== k) return false;
    n++;
  }
  return n === columns.length;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function insertSql(table: string, columns: readonly string[], opts: InsertOptions): string {
  let sql = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  if (opts.ignoreConflictOn) sql += ` ON CONFLICT (${opts.ignoreConflictOn.map(quote).join(', ')}) DO NOTHING`;
  return sql;
}

/** What knex would bind for a value: undefined is NULL (useNullAsDefault), booleans 1/0, dates epoch ms. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.valueOf();
  return v;
}
