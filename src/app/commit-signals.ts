import type { Knex } from 'knex';

/**
 * A process-local "rows committed" nudge, so a dispatcher in the same process enqueues at once instead of at
 * its next poll. Only a latency hint: a dispatcher in another process never hears it and polls, and a missed
 * nudge loses nothing because the rows are in the database. One per outbox, owned by the composition root.
 */
export interface CommitSignal {
  /** Subscribes; returns the unsubscribe. */
  on(fn: () => void): () => void;
  /** Wakes the listeners now (the caller has committed). */
  notify(): void;
  /** Wakes the listeners once `trx` commits (never on rollback: nobody should wake for rows that do not exist). */
  afterCommit(trx: Knex.Transaction): void;
}

export interface CommitSignals {
  /** New postback deliveries (the relay's dispatcher listens). */
  outbox: CommitSignal;
  /** New chat notifications (the notification dispatcher listens). */
  notifications: CommitSignal;
}

export function createCommitSignal(): CommitSignal {
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const fn of listeners) fn();
  };
  return {
    on(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    notify,
    afterCommit(trx) {
      trx.executionPromise.then(notify, () => {});
    },
  };
}

export const createCommitSignals = (): CommitSignals => ({
  outbox: createCommitSignal(),
  notifications: createCommitSignal(),
});
