import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from '../infra/logger.js';
import { claimOverdue } from './dispatch-claim.js';
import { everyInterval } from './poll.js';
import { enqueueDeliveries } from './queues.js';

export interface Reconciler {
  /** One pass now (tests, and `postback replay`); returns how many rows were re-enqueued. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The safety net that makes the database the source of truth: every intervalMs, pending deliveries that
 * are overdue by more than graceMs and were not enqueued within graceMs are added again (jobId = delivery
 * id, so a job that still exists is left alone). This covers a crash between commit and enqueue, a wiped or
 * restarted Redis, and a job failed for stalling (removed on fail, so the re-add creates it anew).
 */
export function startReconciler(
  deps: { db: Knex; logger: Logger; now: () => number },
  queue: Queue,
  opts: { intervalMs?: number; graceMs?: number; pageSize?: number } = {},
): Reconciler {
  const intervalMs = opts.intervalMs ?? 30_000;
  const graceMs = opts.graceMs ?? 60_000;
  const pageSize = opts.pageSize ?? 5_000;
  const log = deps.logger.child({ component: 'reconciler' });
  let running: Promise<number> | null = null;

  const pass = async (): Promise<number> => {
    const now = deps.now();
    const ids = await claimOverdue(
      deps.db,
      { dueBefore: now - graceMs, queuedBefore: now - graceMs, limit: pageSize, now },
      (page) =>
        enqueueDeliveries(
          queue,
          page.map((id) => ({ id })),
          { recovered: true },
        ),
    );
    if (ids.length === 0) return 0;
    log.info({ event: 'reconciler.requeued', count: ids.length }, 're-enqueued overdue deliveries');
    return ids.length;
  };
  const runOnce = () => {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = everyInterval(
    intervalMs,
    runOnce,
    log,
    'reconciler.failed',
    'reconcile pass failed; next pass retries',
  );

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
