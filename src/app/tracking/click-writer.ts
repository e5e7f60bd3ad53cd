import { type ClickBatchSession, openClickBatchSession } from '../../db/repositories/click-batch.js';
import type { NewClick } from '../../db/repositories/clicks.js';
import { AppError } from '../../domain/errors.js';
import type { Metrics } from '../../infra/metrics.js';
import type { Deps } from '../deps.js';

/**
 * Group commit for clicks. A tracking request hands its click over and waits until the transaction holding
 * it has committed, so the redirect is only sent for a stored click; meanwhile other requests join the
 * next batch. One transaction then carries many clicks and their rollup updates instead of one.
 *
 * Batching adapts to load. An idle writer waits `lingerMs` for company, then submits. Up to `pipeline`
 * batches are submitted at once (the database commits one while the next waits its turn), and whenever a
 * batch commits, the clicks that arrived meanwhile are submitted as the next one (up to `maxBatch`).
 * A session keeps the connection for at most `batchesPerSession` batches before handing it back to the
 * pool, so other queries on SQLite's single connection get their turn under sustained load.
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
  batchesPerSession?: number;
  metrics?: Pick<Metrics, 'batchSize' | 'clicks'>;
}

interface Waiting {
  click: NewClick;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createClickWriter(deps: Pick<Deps, 'db' | 'logger'>, opts: ClickWriterOptions = {}): ClickWriter {
  const maxBatch = opts.maxBatch ?? 500;
  const lingerMs = opts.lingerMs ?? 1;
  const maxQueue = opts.maxQueue ?? 20_000;
  const pipeline = opts.pipeline ?? 2;
  const batchesPerSession = opts.batchesPerSession ?? 16;
  const log = deps.logger.child({ component: 'click-writer' });
  let queue: Waiting[] = [];
  let inFlight = 0; // batches submitted, not yet settled
  let inFlightClicks = 0;
  let session: ClickBatchSession | null = null;
  let sessionBatches = 0;
  let busy: Promise<void> | null = null; // opening or releasing a session
  let timer: NodeJS.Timeout | null = null;
  let idle: (() => void)[] = [];
  let closed = false;

  function schedule(): void {
    if (timer || busy) return;
    if (queue.length >= maxBatch) pump();
    else timer = setTimeout(pump, lingerMs);
  }

  function pump(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (session) submitWhilePossible();
    else if (!busy && queue.length > 0) {
      busy = openClickBatchSession(deps.db).then(
        (s) => {
          busy = null;
          session = s;
          sessionBatches = 0;
          submitWhilePossible();
        },
        (err) => {
          busy = null;
          fail(queue.splice(0), err);
          settle();
        },
      );
    }
  }

  function submitWhilePossible(): void {
    while (session && queue.length > 0 && inFlight < pipeline && sessionBatches < batchesPerSession) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      inFlight += 1;
      inFlightClicks += batch.length;
      sessionBatches += 1;
      session
        .submit(batch.map((w) => w.click))
        .then(
          () => {
            opts.metrics?.batchSize.observe({ writer: 'clicks' }, batch.length);
            opts.metrics?.clicks.inc(batch.length);
            // Wake the requests in the check phase, not now: first this callback hands the next batch to
            // the database, so it commits while these requests send their answers.
            setImmediate(wake, batch);
          },
          (err) => fail(batch, err),
        )
        .finally(() => {
          inFlight -= 1;
          inFlightClicks -= batch.length;
          submitWhilePossible();
          settle();
        });
    }
  }

  /** Gives the connection back once nothing more can go out on this session; reopens if clicks wait. */
  function settle(): void {
    if (!session || inFlight > 0) {
      if (!session && !busy && inFlight === 0) done();
      return;
    }
    if (queue.length > 0 && sessionBatches < batchesPerSession) return;
    const s = session;
    session = null;
    busy = s
      .release()
      .catch((err) => log.error({ err, event: 'clicks.release_failed' }, 'could not release the click connection'))
      .then(() => {
        busy = null;
        if (queue.length > 0) pump();
        else done();
      });
  }

  function done(): void {
    if (queue.length > 0 || inFlight > 0 || session || busy) return;
    const waiters = idle;
    idle = [];
    for (const w of waiters) w();
  }

  function wake(batch: Waiting[]): void {
    for (const w of batch) w.resolve();
  }

  function fail(batch: Waiting[], err: unknown): void {
    // Inputs are validated and cut to their columns before they get here, so this is the database failing
    // (disk full, connection lost): every click of the batch is answered 503.
    log.error({ err, event: 'clicks.batch_failed', size: batch.length }, 'could not store a batch of clicks');
    const e = new AppError('unavailable', 'click_not_recorded', 'the click could not be stored; try again');
    for (const w of batch) w.reject(e);
  }

  function flush(): Promise<void> {
    if (queue.length === 0 && inFlight === 0 && !session && !busy) return Promise.resolve();
    const p = new Promise<void>((resolve) => idle.push(resolve));
    if (timer || (!session && !busy)) pump();
    return p;
  }

  return {
    write(click) {
      if (closed) {
        return Promise.reject(
          new AppError('unavailable', 'shutting_down', 'the server is shutting down; try again in a moment'),
        );
      }
      if (queue.length >= maxQueue) {
        return Promise.reject(
          new AppError('unavailable', 'overloaded', 'too many clicks are waiting to be stored; try again in a moment'),
        );
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ click, resolve, reject });
        if (session && inFlight === 0) submitWhilePossible();
        else schedule();
      });
    },
    get pending() {
      return queue.length + inFlightClicks;
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
