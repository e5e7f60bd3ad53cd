// One read-pool connection, in its own thread (see sqlite-reader-client.ts). Plain JavaScript on purpose:
// started without the TypeScript loader, a reader thread costs ~10 MB instead of ~30 MB.
//
// It loads the same better-sqlite3 addon as the writer, once per process, so the process has one copy of
// SQLite: two copies (node-sqlite3 beside better-sqlite3, say) each keep their own POSIX locks on the file,
// and one closing its handle drops the other's locks.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runStatement } from './statement-cache.js';

const port = parentPort;
if (!port) throw new Error('sqlite-reader-thread must run as a worker thread');
const describe = (err) => ({ message: String(err?.message ?? err), ...(err?.code ? { code: err.code } : {}) });

let db;
try {
  db = new Database(workerData.filename);
  db.exec(workerData.pragmas);
  port.postMessage({ t: 'ready' });
} catch (err) {
  port.postMessage({ t: 'failed', ...describe(err) });
  process.exit(1);
}

port.on('message', ({ id, sql, bindings }) => {
  try {
    port.postMessage({ id, result: runStatement(db, sql, bindings) });
  } catch (err) {
    port.postMessage({ id, error: describe(err) });
  }
});
