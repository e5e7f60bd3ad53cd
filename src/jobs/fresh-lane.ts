import type { DeliveryHandoff } from '../app/delivery-handoff.js';
import type { DeliveryForSend } from '../db/repositories/deliveries.js';
import type { Logger } from '../infra/logger.js';

export interface FreshLane {
  /** Stops claiming new rows (they go to the dispatcher again) and waits for the sends under way. */
  close(): Promise<void>;
}

/**
 * Attaches this process's relay to the outbox's fast lane (see app/delivery-handoff.ts): deliveries committed
 * here are sent here straight after commit, skipping the outbox page, the BullMQ round trip and the re-read.
 * At most `maxInFlight` deliveries are claimed at once; past that, rows take the dispatcher path, so a slow
 * partner endpoint cannot pile up memory here. A failed hand-off (database or Redis away while writing the
 * outcome or the retry job) leaves the row pending and claimed: the reconciler re-enqueues it once overdue.
 */
export function attachFreshLane(
  handoff: DeliveryHandoff,
  send: (rows: DeliveryForSend[]) => Promise<number>,
  opts: { maxInFlight: number; logger: Logger },
): FreshLane {
  let inFlight = 0;
  let closed = false;
  const running = new Set<Promise<unknown>>();
  const detach = handoff.attach({
    reserve(n) {
      const k = Math.max(0, Math.min(n, opts.maxInFlight - inFlight));
      inFlight += k;
      return k;
    },
    release(n) {
      inFlight -= n;
    },
    deliver(rows) {
      // A transaction that reserved before close() and committed after it: the client, Redis and writer may be
      // gone. The rows are claimed and pending, so the next process's reconciler sends them.
      if (closed) {
        inFlight -= rows.length;
        return;
      }
      const p = send(rows)
        .catch((err) =>
          opts.logger.warn(
            { err: (err as Error).message, count: rows.length, event: 'relay.fresh_failed' },
            'could not finish fresh deliveries; the reconciler will re-send them',
          ),
        )
        .finally(() => {
          inFlight -= rows.length;
          running.delete(p);
        });
      running.add(p);
    },
  });
  return {
    async close() {
      closed = true;
      detach();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
