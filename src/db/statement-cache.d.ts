/** Types for statement-cache.js (plain JavaScript: the SQLite reader threads load it without tsx). */
import type BetterSqlite3 from 'better-sqlite3';

/** What running one statement answers: its rows, or for a statement that returns none, what it changed. */
export type StatementResult = { rows: unknown[] } | { changes: number; lastInsertRowid: number | bigint };

export declare function prepared(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement;
export declare function runStatement(
  connection: BetterSqlite3.Database,
  sql: string,
  bindings: unknown[],
): StatementResult;
