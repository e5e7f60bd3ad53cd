import type BetterSqlite3 from 'better-sqlite3';

/** How many prepared statements each connection keeps; batch inserts of every size each have their own SQL. */
const STATEMENT_CACHE = 256;

const statementCaches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * A prepared statement for `sql` on `connection`, from a per-connection LRU cache: SQLite's prepare cost as
 * much as running a typical statement of ours. A statement stays valid across schema changes: SQLite
 * re-prepares it itself.
 */
export function prepared(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCaches.get(connection);
  if (!cache) {
    cache = new Map();
    statementCaches.set(connection, cache);
  }
  const hit = cache.get(sql);
  if (hit) {
    // Map keeps insertion order: re-inserting marks the statement as recently used.
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  const statement = connection.prepare(sql);
  if (cache.size >= STATEMENT_CACHE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(sql, statement);
  return statement;
}

/** What running one statement answers: its rows, or for a statement that returns none, what it changed. */
export type StatementResult = { rows: unknown[] } | { changes: number; lastInsertRowid: number | bigint };

export function runStatement(connection: BetterSqlite3.Database, sql: string, bindings: unknown[]): StatementResult {
  const statement = prepared(connection, sql);
  if (statement.reader) return { rows: statement.all(bindings) };
  const r = statement.run(bindings);
  return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
}
