import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runStatement } from './statement-cache.js';

/**
 * One read-pool connection, in its own thread: reports and balances run here, so a long report holds up
 * neither the writer nor the main event loop. The same better-sqlite3 addon as the writer's, loaded once per
 * process, so the process has one copy of SQLite: two copies (say node-sqlite3 beside better-sqlite3) would
 * each keep their own POSIX locks on the file, and one closing its handle would drop the other's locks.
 */
export type ToReader = { id: number; sql: string; bindings: unknown[] };
export type FromReader =
  | { t: 'ready' }
  | { t: 'failed'; message: string; code?: string }
  | { id: number; result: ReturnType<typeof runStatement> }
  | { id: number; error: { message: string; code?: string } };

const port = parentPort;
if (!port) throw new Error('sqlite-reader-thread must run as a worker thread');
const { filename, pragmas } = workerData as { filename: string; pragmas: string };

let db: Database.Database;
try {
  db = new Database(filename);
  db.exec(pragmas);
  port.postMessage({ t: 'ready' } satisfies FromReader);
} catch (err) {
  const e = err as { message?: string; code?: string };
  port.postMessage({
    t: 'failed',
    message: String(e.message),
    ...(e.code ? { code: e.code } : {}),
  } satisfies FromReader);
  process.exit(1);
}

port.on('message', ({ id, sql, bindings }: ToReader) => {
  try {
    port.postMessage({ id, result: runStatement(db, sql, bindings) } satisfies FromReader);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    port.postMessage({
      id,
      error: { message: String(e.message), ...(e.code ? { code: e.code } : {}) },
    } satisfies FromReader);
  }
});
