import { storeClickBatch } from '../../db/repositories/click-batch.js';
import type { NewClick } from '../../db/repositories/clicks.js';
import { AppError } from '../../domain/errors.js';
import { createGroupCommit } from '../../infra/group-commit.js';
import type { Metrics } from '../../infra/metrics.js';
import type { Deps } from '../deps.js';

/**
 * Group commit for clicks. A tracking request hands its click over and waits until the transaction holding
 * it has committed, so the redirect is only sent for a stored click; meanwhile other requests join the
 * next batch. One transaction then carries many clicks and their rollup updates instead of one.
 *
 * Batching adapts to load. An idle writer waits `lingerMs` for company, then writes. Up to `pipeline`
 * batches are written at once (on PostgreSQL each on its own pooled connection; SQLite's single connection
 * takes them in turn), and whenever a batch commits, the clicks that arrived meanwhile go out as the next one
 * (up to `maxBatch`). Each batch takes the connection from the pool and gives it back, so other queries on
 * SQLite's single connection get their turn between batches under sustained load.
 *
 * When `maxQueue` clicks are already waiting, new ones are refused with 503 `overloaded` rather than queued
 * without bound; a batch the database refuses answers each of its clicks with 503. Nothing is lost silently.
 */
export interface ClickWriter {
  /** Resolves once the click is committed; rejects with AppError (503) if it was not recorded. */
  write(click: NewClick): Promise<void>;
  /** Clicks accepted but not yet committed. */
  readonly pending: number;
  /** Commits everything accepted so far. */
  flush(): Promise<void>;
  /** Stops accepting clicks and commits those already accepted. */
  close(): Promise<void>;
}

export interface ClickWriterOptions {
  maxBatch?: number;
  lingerMs?: number;
  maxQueue?: number;
  pipeline?: number;
  metrics?: Pick<Metrics, 'batchSize' | 'clicks'>;
}

export function createClickWriter(deps: Pick<Deps, 'db' | 'logger'>, opts: ClickWriterOptions = {}): ClickWriter {
  const log = deps.logger.child({ component: 'click-writer' });
  const writer = createGroupCommit<NewClick>(
    async (clicks) => {
      await storeClickBatch(deps.db, clicks);
      return undefined;
    },
    {
      maxBatch: opts.maxBatch ?? 500,
      lingerMs: opts.lingerMs ?? 1,
      maxQueue: opts.maxQueue ?? 20_000,
      concurrency: opts.pipeline ?? 2,
      onBatch: (size) => {
        opts.metrics?.batchSize.observe({ writer: 'clicks' }, size);
        opts.metrics?.clicks.inc(size);
      },
      onBatchFailed: (err, size) => {
        // Inputs are validated and cut to their columns before they get here, so this is the database failing
        // (disk full, connection lost): every click of the batch is answered 503.
        log.error({ err, event: 'clicks.batch_failed', size }, 'could not store a batch of clicks');
        return new AppError('unavailable', 'click_not_recorded', 'the click could not be stored; try again');
      },
      overloaded: () =>
        new AppError('unavailable', 'overloaded', 'too many clicks are waiting to be stored; try again in a moment'),
      closed: () => new AppError('unavailable', 'shutting_down', 'the server is shutting down; try again in a moment'),
    },
  );
  return {
    write: (click) => writer.submit(click),
    get pending() {
      return writer.pending;
    },
    flush: () => writer.drain(),
    close: () => writer.close(),
  };
}
