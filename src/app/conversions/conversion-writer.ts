import { isSqlite } from '../../db/knex.js';
import { AppError } from '../../domain/errors.js';
import { createGroupCommit } from '../../infra/group-commit.js';
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

export function createConversionWriter(deps: Deps, opts: ConversionWriterOptions = {}): ConversionWriter {
  const log = deps.logger.child({ component: 'conversion-writer' });
  const writer = createGroupCommit<ConversionRequest, RecordOutcome>((reqs) => recordConversionBatch(deps, reqs), {
    maxBatch: opts.maxBatch ?? 500,
    // 2 on PostgreSQL, measured against 1 and 4 (bench:s2s --db postgres, two rounds each): more batches in
    // flight made them smaller (more statements per conversion) and waited on the same rollup rows.
    concurrency: opts.concurrency ?? (isSqlite(deps.db) ? 1 : 2),
    maxQueue: opts.maxQueue ?? 50_000,
    // Item errors (unknown click, bad type) are outcomes, not failures: a failed batch is the database
    // refusing something (or a deadlock), so one bad item must not fail its neighbours.
    isolateFailures: true,
    onBatchFailed: (err, size) => {
      if (size > 1) {
        log.warn({ err, size, event: 'conversions.batch_failed' }, 'conversion batch failed; retrying items singly');
      }
      return err;
    },
    onBatch: opts.onBatch,
    overloaded: () =>
      new AppError('unavailable', 'overloaded', 'too many conversions are waiting to be written; retry shortly'),
    closed: () => new AppError('unavailable', 'shutting_down', 'the server is shutting down; retry shortly'),
  });
  return { submit: (req) => writer.submit(req), close: () => writer.close() };
}
