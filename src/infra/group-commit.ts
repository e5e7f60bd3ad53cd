import { AppError } from '../domain/errors.js';

/**
 * Group commit: callers submit one item each and wait; the items that queue up while a batch is being written
 * go in the next batch, so one transaction carries many items instead of one. Used for clicks, conversions
 * and the relay's attempt log. It knows nothing of databases: `write` stores a batch and answers one outcome
 * per item (in item order), or nothing when items have no outcome of their own.
 *
 * Each item is answered only after the `write` of its batch has resolved, i.e. after its transaction has
 * committed. A batch that fails rejects only its own items.
 */
export interface GroupCommit<T, R = void> {
  /** Resolves with the item's outcome once its batch is written; rejects if it was not. */
  submit(item: T): Promise<R>;
  /** Items accepted and not yet answered (waiting or in a batch being written). */
  readonly pending: number;
  /** Resolves once everything submitted so far is answered; starts a lingering batch at once. */
  drain(): Promise<void>;
  /** Refuses new items from now on, then drains. */
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Items per batch at most (bound by statement sizes and by how long one transaction may hold locks). */
  maxBatch?: number;
  /** Batches being written at once. 1 where the database has a single writer (SQLite) anyway. */
  concurrency?: number;
  /** Past this many waiting items `submit` rejects (503 `overloaded`): a retry later beats unbounded memory. */
  maxQueue?: number;
  /**
   * How long an idle writer waits for company before writing a batch. 0 (the default): the next check phase
   * (setImmediate), so whatever arrived in the same I/O turn joins the batch. While batches are being
   * written there is no waiting: the items that queued meanwhile go out as soon as a batch finishes.
   */
  lingerMs?: number;
  /**
   * When a batch of several items fails, write its items again one at a time, so that one bad item (or a
   * deadlock) does not fail its neighbours. For writers whose items can fail on their own.
   */
  isolateFailures?: boolean;
  /** Hears every batch written (its size), for metrics. */
  onBatch?: (size: number) => void;
  /** Hears every failed write (for logging) and answers the error its items get; undefined: the error itself. */
  onBatchFailed?: (err: unknown, size: number) => unknown;
  /** The error for an item refused because `maxQueue` items wait. */
  overloaded?: () => Error;
  /** The error for an item submitted after `close()`. */
  closed?: () => Error;
}

interface Waiting<T, R> {
  item: T;
  resolve: (outcome: R) => void;
  reject: (err: unknown) => void;
}

/**
 * `write` answers one outcome per item in item order (an item left without one is rejected), or nothing
 * (every item then resolves with undefined, which is what a writer with `R = void` wants).
 */
export function createGroupCommit<T, R = void>(
  write: (items: T[]) => Promise<readonly R[] | undefined>,
  opts: GroupCommitOptions = {},
): GroupCommit<T, R> {
  const maxBatch = Math.max(1, opts.maxBatch ?? 500);
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const maxQueue = opts.maxQueue ?? Number.POSITIVE_INFINITY;
  const lingerMs = opts.lingerMs ?? 0;
  let queue: Waiting<T, R>[] = [];
  let running = 0;
  let inFlightItems = 0;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let closed = false;
  let idle: (() => void)[] = [];

  /** Starts a batch later (linger or next check phase), unless one is due already or no slot is free. */
  function schedule(): void {
    if (timer && queue.length >= maxBatch) {
      // A full batch gains nothing from lingering.
      clearTimeout(timer);
      timer = null;
    }
    if (timer || immediate || running >= concurrency || queue.length === 0) return;
    if (running === 0 && lingerMs > 0 && queue.length < maxBatch) timer = setTimeout(startNow, lingerMs);
    else immediate = setImmediate(startNow);
  }

  function startNow(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = null;
    immediate = null;
    while (running < concurrency && queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      void run(batch);
    }
  }

  async function run(batch: Waiting<T, R>[]): Promise<void> {
    running += 1;
    inFlightItems += batch.length;
    let settle: () => void;
    try {
      const outcomes = await write(batch.map((w) => w.item));
      settle = () => {
        batchWritten(batch.length);
        answer(batch, outcomes);
      };
    } catch (err) {
      if (opts.isolateFailures && batch.length > 1) {
        failedWith(err, batch.length);
        // Still holding the batch's slot: isolating a bad item must not add load to a database in trouble.
        await writeOneByOne(batch);
        settle = () => undefined;
      } else {
        settle = () => rejectAll(batch, err);
      }
    }
    running -= 1;
    inFlightItems -= batch.length;
    // First hand what queued meanwhile to the database, then answer: the next batch is being written while
    // these callers send their replies.
    if (queue.length > 0) startNow();
    settle();
    if (running === 0 && queue.length === 0) wakeIdle();
  }

  function answer(batch: Waiting<T, R>[], outcomes: readonly R[] | undefined): void {
    batch.forEach((w, i) => {
      if (outcomes === undefined) w.resolve(undefined as R);
      else if (outcomes[i] !== undefined) w.resolve(outcomes[i] as R);
      else w.reject(new Error(`group commit: the batch write answered no outcome for item ${i}`));
    });
  }

  function rejectAll(batch: Waiting<T, R>[], err: unknown): void {
    const e = failedWith(err, batch.length);
    for (const w of batch) w.reject(e);
  }

  // The hooks are metrics and logging: one that throws must neither fail a written batch nor leave its
  // callers waiting, so their errors stop here.
  function batchWritten(size: number): void {
    try {
      opts.onBatch?.(size);
    } catch {
      // see above
    }
  }

  function failedWith(err: unknown, size: number): unknown {
    try {
      return opts.onBatchFailed?.(err, size) ?? err;
    } catch {
      return err;
    }
  }

  /** Each item answered as soon as its own write settles. */
  async function writeOneByOne(batch: Waiting<T, R>[]): Promise<void> {
    for (const w of batch) {
      try {
        const outcomes = await write([w.item]);
        batchWritten(1);
        answer([w], outcomes);
      } catch (e) {
        rejectAll([w], e);
      }
    }
  }

  function wakeIdle(): void {
    const waiters = idle;
    idle = [];
    for (const fn of waiters) fn();
  }

  function drain(): Promise<void> {
    if (running === 0 && queue.length === 0) return Promise.resolve();
    const p = new Promise<void>((resolve) => idle.push(resolve));
    if (timer) startNow();
    return p;
  }

  return {
    submit(item) {
      if (closed) return Promise.reject(opts.closed?.() ?? shuttingDown());
      if (queue.length >= maxQueue) return Promise.reject(opts.overloaded?.() ?? overloaded());
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    get pending() {
      return queue.length + inFlightItems;
    },
    drain,
    async close() {
      closed = true;
      await drain();
    },
  };
}

const shuttingDown = () => new AppError('unavailable', 'shutting_down', 'the server is shutting down; retry shortly');
const overloaded = () =>
  new AppError('unavailable', 'overloaded', 'too many requests are waiting to be written; retry shortly');
