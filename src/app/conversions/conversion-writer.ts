import { isSqlite } from '../../db/knex.js';
import { AppError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import type { ConversionRequest, RecordOutcome } from './record-conversion.js';
import { recordConversionBatch } from './record-conversion-batch.js';

/**
 * Group commit for conversions. Each request waits in a queue; whatever has queued up while the previous
 * transaction ran is booked in the next one, and every request is answered only after its batch commits.
 * SQLite has a single connection, so one transaction of a few hundred conversions replaces a few hundred
 * serial transactions of six statements each; on PostgreSQL a few batches run side by side.
 */
export interface ConversionWriter {
  submit(req: ConversionRequest): Promise<RecordOutcome>;
  /** Waits for queued work, then refuses new work. */
  close(): Promise<void>;
}

export interface ConversionWriterOptions {
  maxBatch?: number;
  /** Batches in flight at once: 1 on SQLite (its one writer runs them in turn anyway), a few on PostgreSQL. */
  concurrency?: number;
  /** Past this many waiting requests new ones get 503: better a retry later than unbounded memory. */
  maxQueue?: number;
  onBatch?: (size: number) => void;
}

interface Waiting {
  req: ConversionRequest;
  resolve: (o: RecordOutcome) => void;
  reject: (err: unknown) => void;
}

export function createConversionWriter(deps: Deps, opts: ConversionWriterOptions = {}): ConversionWriter {
  const maxBatch = opts.maxBatch ?? 500;
  const concurrency = opts.concurrency ?? (isSqlite(deps.db) ? 1 : 4);
  const maxQueue = opts.maxQueue ?? 50_000;
  const log = deps.logger.child({ component: 'conversion-writer' });
  const queue: Waiting[] = [];
  let running = 0;
  let scheduled = false;
  let closed = false;
  let idle: (() => void)[] = [];

  function kick(): void {
    if (scheduled || running >= concurrency || queue.length === 0) return;
    scheduled = true;
    // setImmediate, not a microtask: lets requests that arrived in the same I/O turn join this batch.
    setImmediate(() => {
      scheduled = false;
      while (running < concurrency && queue.length > 0) {
        running += 1;
        void run(queue.splice(0, maxBatch)).finally(() => {
          running -= 1;
          kick();
          if (running === 0 && queue.length === 0) {
            for (const fn of idle) fn();
            idle = [];
          }
        });
      }
    });
  }

  async function run(batch: Waiting[]): Promise<void> {
    opts.onBatch?.(batch.length);
    try {
      const outcomes = await recordConversionBatch(
        deps,
        batch.map((w) => w.req),
      );
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (o) w.resolve(o);
        else w.reject(new Error('conversion batch returned no outcome'));
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One bad item (or a deadlock) must not fail its neighbours: book them one by one.
      log.warn(
        { err, size: batch.length, event: 'conversions.batch_failed' },
        'conversion batch failed; retrying items singly',
      );
      for (const w of batch) {
        try {
          const [o] = await recordConversionBatch(deps, [w.req]);
          if (o) w.resolve(o);
          else w.reject(new Error('conversion batch returned no outcome'));
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }

  return {
    submit(req) {
      if (closed) {
        return Promise.reject(
          new AppError('unavailable', 'shutting_down', 'the server is shutting down; retry shortly'),
        );
      }
      if (queue.length >= maxQueue) {
        return Promise.reject(
          new AppError('unavailable', 'overloaded', 'too many conversions are waiting to be written; retry shortly'),
        );
      }
      return new Promise<RecordOutcome>((resolve, reject) => {
        queue.push({ req, resolve, reject });
        kick();
      });
    },
    async close() {
      closed = true;
      if (running === 0 && queue.length === 0) return;
      await new Promise<void>((r) => idle.push(r));
    },
  };
}
