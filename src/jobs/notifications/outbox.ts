import type { Queue } from 'bullmq';
import { convertPartnerEvents } from '../../app/chat/partner-event-notifications.js';
import type { Deps } from '../../app/deps.js';
import {
  findOverdueNotifications,
  findUndispatchedNotifications,
  markNotificationsQueued,
} from '../../db/repositories/notifications.js';
import { claimPage } from '../dispatch-claim.js';
import { createWaker, everyInterval } from '../poll.js';
import { enqueueNotifications } from './queue.js';

export interface OutboxOptions {
  pollMs?: number;
  reconcileIntervalMs?: number;
  reconcileGraceMs?: number;
  pageSize?: number;
}

export interface NotificationOutbox {
  /** One dispatch pass now: converts relay events, enqueues fresh rows; returns how many were enqueued. */
  dispatchOnce(): Promise<number>;
  /** One reconciler pass now; returns how many overdue rows were enqueued again. */
  reconcileOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Moves notification rows into BullMQ. The dispatcher runs after a commit in this process (nudge) or every
 * pollMs: it first turns new relay events (partner_events) into rows, then enqueues rows never queued. The
 * reconciler re-enqueues pending rows overdue by more than the grace period (a crash between commit and
 * enqueue, a wiped Redis, a job failed for stalling); jobId = row id, so a job that still exists is kept.
 */
export function startNotificationOutbox(deps: Deps, queue: Queue, opts: OutboxOptions = {}): NotificationOutbox {
  const pollMs = opts.pollMs ?? 500;
  const pageSize = opts.pageSize ?? 500;
  const graceMs = opts.reconcileGraceMs ?? 60_000;
  const log = deps.logger.child({ component: 'notify-outbox' });
  let stopped = false;
  const waker = createWaker();
  const off = deps.signals?.notifications.on(() => waker.wake());

  const dispatchOnce = async (): Promise<number> => {
    await convertPartnerEvents(deps);
    let total = 0;
    for (;;) {
      // Several worker processes dispatch at once on PostgreSQL: pages are claimed (dispatch-claim.ts).
      const ids = await claimPage(
        deps.db,
        (q, lock) => findUndispatchedNotifications(q, deps.now(), pageSize, lock),
        (page) => enqueueNotifications(queue, page),
        (q, page) => markNotificationsQueued(q, page, deps.now()),
      );
      if (ids.length === 0) return total;
      total += ids.length;
      if (ids.length < pageSize) return total;
    }
  };

  const reconcileOnce = async (): Promise<number> => {
    const now = deps.now();
    const ids = await claimPage(
      deps.db,
      (q, lock) =>
        findOverdueNotifications(q, { dueBefore: now - graceMs, queuedBefore: now - graceMs, limit: 5_000, lock }),
      (page) => enqueueNotifications(queue, page),
      // Stamped so the next pass moves on when a large backlog is legitimately overdue.
      (q, page) => markNotificationsQueued(q, page, now),
    );
    if (ids.length === 0) return 0;
    log.info({ event: 'notify.reconciler_requeued', count: ids.length }, 're-enqueued overdue notifications');
    return ids.length;
  };

  const loop = (async () => {
    let backoff = pollMs;
    while (!stopped) {
      try {
        await dispatchOnce();
        backoff = pollMs;
      } catch (err) {
        // Redis or the database is away: the rows wait in the table; try again, more slowly.
        log.warn({ err: (err as Error).message, event: 'notify.dispatch_failed' }, 'dispatch failed; will retry');
        backoff = Math.min(backoff * 2, 5_000);
      }
      if (stopped) break;
      await waker.sleep(backoff);
    }
  })();

  const timer = everyInterval(
    opts.reconcileIntervalMs ?? 30_000,
    reconcileOnce,
    log,
    'notify.reconcile_failed',
    'reconcile failed; next pass retries',
  );

  return {
    dispatchOnce,
    reconcileOnce,
    async stop() {
      stopped = true;
      off?.();
      clearInterval(timer);
      waker.wake();
      await loop;
    },
  };
}
