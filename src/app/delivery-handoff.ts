import type { DeliveryForSend } from '../db/repositories/deliveries.js';

/**
 * The relay's fast lane for first attempts. When the process that commits a conversion also runs the relay
 * (the `start` role, and always on SQLite), the transaction claims the new delivery rows (queued_at = now,
 * so no dispatcher pages them) and, once committed, hands them over with everything a send needs, already in
 * memory: no outbox page, no BullMQ job, no re-read. Retries, pauses, status-change events without click
 * values, and every row a sink did not claim still take the dispatcher -> BullMQ path.
 *
 * Nothing is lost by it: a claimed row is an ordinary pending row. If this process dies before the attempt
 * is written, the reconciler finds it overdue and re-enqueues it, as for a job lost with a wiped Redis.
 */
export interface DeliverySink {
  /** How many of `n` deliveries about to be committed this process will send itself (0..n). */
  reserve(n: number): number;
  /** After commit: the claimed rows (fewer than reserved if some were duplicates; give those back first). */
  deliver(rows: DeliveryForSend[]): void;
  /** Returns reservations that will not be delivered (rollback, duplicates). */
  release(n: number): void;
}

/** One per app: the relay attaches its sink, the outbox reads it. Null when no relay runs in this process. */
export interface DeliveryHandoff {
  readonly sink: DeliverySink | null;
  /** Returns detach(). */
  attach(sink: DeliverySink): () => void;
}

export function createDeliveryHandoff(): DeliveryHandoff {
  let current: DeliverySink | null = null;
  return {
    get sink() {
      return current;
    },
    attach(sink) {
      current = sink;
      return () => {
        if (current === sink) current = null;
      };
    },
  };
}
