import type { Knex } from 'knex';

/**
 * A process-local "notification rows committed" nudge, so the notification dispatcher in this process
 * enqueues at once instead of at its next poll. Only a latency hint: rows are in the database either way.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function onNotificationsCommitted(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Fires after `trx` commits (never on rollback: nobody should wake for rows that do not exist). */
export function signalAfterCommit(trx: Knex.Transaction): void {
  trx.executionPromise.then(
    () => {
      for (const fn of listeners) fn();
    },
    () => {},
  );
}
