// Plain JavaScript on purpose: the SQLite reader threads load it without the TypeScript loader, which would
// cost each thread ~20 MB (types: statement-cache.d.ts).

/** How many prepared statements each connection keeps; batch inserts of every size each have their own SQL. */
const STATEMENT_CACHE = 256;

const statementCaches = new WeakMap();

/**
 * A prepared statement for `sql` on `connection` (better-sqlite3), from a per-connection LRU cache: SQLite's
 * prepare cost as much as running a typical statement of ours. A statement stays valid across schema
 * changes: SQLite re-prepares it itself.
 */
export function prepared(connection, sql) {
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
  if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value);
  cache.set(sql, statement);
  return statement;
}

/** Runs one statement: its rows, or for a statement that returns none, what it changed. */
export function runStatement(connection, sql, bindings) {
  const statement = prepared(connection, sql);
  if (statement.reader) return { rows: statement.all(bindings) };
  const r = statement.run(bindings);
  return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
}
