import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../infra/spawn-worker.js';
import { applyResult, BetterSqlite3Client, type KnexQuery } from './sqlite-writer-client.js';
import type { StatementResult } from './statement-cache.js';

const READER_URL = new URL('./sqlite-reader-thread.js', import.meta.url);

/** The messages to and from a reader thread (sqlite-reader-thread.js). */
type ToReader = { id: number; sql: string; bindings: unknown[] };
type FromReader =
  | { t: 'ready' }
  | { t: 'failed'; message: string; code?: string }
  | { id: number; result: StatementResult }
  | { id: number; error: { message: string; code?: string } };

const asError = (e: { message: string; code?: string }) =>
  Object.assign(new Error(e.message), e.code ? { code: e.code } : {});

/** A read connection living in a worker thread (sqlite-reader-thread.js); queries go over postMessage. */
class ReaderThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: StatementResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private gone: Error | null = null;
  readonly ready: Promise<void>;

  constructor(filename: string, pragmas: string) {
    // A reader holds a statement's rows at most; reports answer a few thousand.
    this.worker = spawnWorker(READER_URL, {
      workerData: { filename, pragmas },
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromReader) => {
        if ('t' in m) {
          if (m.t === 'ready') {
            this.worker.unref(); // an idle pool must not keep the process alive; ref'd while a query runs
            resolve();
          } else {
            reject(asError(m));
          }
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) this.worker.unref();
        if ('error' in m) p.reject(asError(m.error));
        else p.resolve(m.result);
      });
      const fail = (err: Error) => {
        this.gone ??= err;
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      };
      this.worker.on('error', fail);
      this.worker.on('exit', (code) => fail(new Error(`the SQLite reader thread stopped (exit code ${code})`)));
    });
  }

  query(sql: string, bindings: unknown[]): Promise<StatementResult> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, sql, bindings } satisfies ToReader);
    });
  }

  get alive(): boolean {
    return this.gone === null;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * knex's better-sqlite3 client for the SQLite read pool: each pooled connection is a thread of its own
 * (ReaderThread), so reads run beside the main thread's writer instead of blocking its event loop.
 */
export function threadedSqliteReaderClient(pragmas: string) {
  return class ThreadedSqliteReaderClient extends BetterSqlite3Client {
    declare connectionSettings: { filename: string };

    async acquireRawConnection(): Promise<ReaderThread> {
      const thread = new ReaderThread(this.connectionSettings.filename, pragmas);
      try {
        await thread.ready;
      } catch (err) {
        await thread.close();
        throw err;
      }
      return thread;
    }

    async destroyRawConnection(thread: ReaderThread): Promise<void> {
      await thread.close();
    }

    validateConnection(thread: ReaderThread): boolean {
      return thread.alive;
    }

    async _query(thread: ReaderThread, obj: KnexQuery): Promise<KnexQuery> {
      if (!obj.sql) throw new Error('The query is empty');
      return applyResult(obj, await thread.query(obj.sql, this._formatBindings(obj.bindings)));
    }
  };
}
