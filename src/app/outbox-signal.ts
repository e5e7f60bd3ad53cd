/**
 * A process-local "new outbox rows committed" nudge, so a dispatcher in the same process (the `start` role)
 * enqueues at once instead of at its next poll. Only a latency hint: a dispatcher in another process never
 * hears it and polls, and a missed nudge loses nothing because the rows are in the database.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function onOutboxCommitted(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function notifyOutboxCommitted(): void {
  for (const fn of listeners) fn();
}
