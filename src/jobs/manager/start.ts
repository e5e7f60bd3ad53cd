import type { Queue } from 'bullmq';
import { convertManagerEvents } from '../../app/managers/manager-alert-events.js';
import {
  findOverdueAlerts,
  findUndispatchedAlerts,
  markAlertsQueued,
  releaseStaleClaims,
} from '../../db/repositories/manager-alerts.js';
import type { App } from '../../main/create-app.js';
import { createWaker, everyInterval } from '../poll.js';
import { queuesOf } from '../queues.js';
import { createBreakerLookup, type ManagerChannel } from './manager-channel.js';
import { ALERT_JOB, alertJobId, createManagerProcessor, type ManagerRender, SUMMARY_JOB } from './process.js';

export const MANAGER_QUEUE = 'slack-manager';
export const SUMMARY_SCHEDULER_ID = 'manager-daily-summary';

export interface ManagerJobsOptions {
  slack: ManagerChannel;
  render: ManagerRender;
  channel: string;
  timezone: string;
  summaryHour: number;
  prefix?: string;
  pollMs?: number;
  reconcileIntervalMs?: number;
  reconcileGraceMs?: number;
  retryMs?: readonly number[];
  /** false: no job scheduler (tests drive the summary by hand). */
  schedule?: boolean;
}

export interface RunningManagerJobs {
  queue: Queue;
  /** Converts relay events and enqueues fresh alerts now; returns how many were enqueued. */
  dispatch(): Promise<number>;
  /** Runs the daily summary now, through the queue (the same path as the scheduler's tick). */
  tickSummary(): Promise<void>;
  close(): Promise<void>;
}

/** A worker holds an alert this long at most (one Slack call with its timeout); older claims are orphans. */
const CLAIM_STALE_MS = 5 * 60_000;

/** Slack allows about one message a second per channel; the limiter holds across every process. */
const CHANNEL_LIMIT = { max: 1, duration: 1_000 } as const;

/**
 * The manager channel's jobs: relay events become alert rows (dispatcher + reconciler, like the chat
 * notifications) and a BullMQ worker posts them; a job scheduler ticks the daily summary at summaryHour in
 * the managers' zone. upsertJobScheduler under one id keeps one schedule however many processes start.
 */
export async function startManagerJobs(app: App, opts: ManagerJobsOptions): Promise<RunningManagerJobs> {
  const log = app.logger.child({ component: 'slack-manager-jobs' });
  const bull = queuesOf(app);
  const prefix = opts.prefix ?? 'bull';
  const queue = bull.queue(MANAGER_QUEUE, {
    prefix,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 100,
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000 },
    },
  });
  queue.on('error', (err) => log.warn({ err: err.message, event: 'slack.manager_queue_error' }, 'queue problem'));
  await queue.waitUntilReady();
  const breakerRedis = await bull.connection();
  breakerRedis.on('error', (err) => log.warn({ err: err.message }, 'breaker lookup connection problem'));

  const processor = createManagerProcessor({
    deps: app,
    slack: opts.slack,
    render: opts.render,
    queue,
    channel: opts.channel,
    timezone: opts.timezone,
    breaker: createBreakerLookup(breakerRedis, prefix),
    retryMs: opts.retryMs,
  });
  const worker = bull.worker(MANAGER_QUEUE, processor, {
    prefix,
    concurrency: 4,
    limiter: CHANNEL_LIMIT,
  });
  worker.on('error', (err) => log.warn({ err: err.message, event: 'slack.manager_worker_error' }, 'worker problem'));

  if (opts.schedule !== false) {
    await queue.upsertJobScheduler(
      SUMMARY_SCHEDULER_ID,
      { pattern: `0 ${opts.summaryHour} * * *`, tz: opts.timezone },
      { name: SUMMARY_JOB, data: {} },
    );
  }

  const enqueue = async (ids: number[]) => {
    if (ids.length === 0) return;
    await queue.addBulk(ids.map((id) => ({ name: ALERT_JOB, data: {}, opts: { jobId: alertJobId(id) } })));
    await markAlertsQueued(app.db, ids, app.now());
  };
  const dispatch = async (): Promise<number> => {
    await convertManagerEvents(app);
    const ids = await findUndispatchedAlerts(app.db, app.now(), 500);
    await enqueue(ids);
    return ids.length;
  };
  const graceMs = opts.reconcileGraceMs ?? 60_000;
  const reconcile = async () => {
    const stale = await releaseStaleClaims(app.db, app.now() - CLAIM_STALE_MS);
    if (stale > 0) {
      log.warn(
        { event: 'slack.manager_stale_claims', count: stale },
        'alerts left mid-post by a dead worker; posting again',
      );
    }
    const ids = await findOverdueAlerts(app.db, app.now() - graceMs, 1_000);
    if (ids.length > 0) log.info({ event: 'slack.manager_requeued', count: ids.length }, 're-enqueued overdue alerts');
    await enqueue(ids);
  };

  let stopped = false;
  const waker = createWaker();
  const pollMs = opts.pollMs ?? 1_000;
  const loop = (async () => {
    let backoff = pollMs;
    while (!stopped) {
      try {
        await dispatch();
        backoff = pollMs;
      } catch (err) {
        log.warn(
          { err: (err as Error).message, event: 'slack.manager_dispatch_failed' },
          'dispatch failed; will retry',
        );
        backoff = Math.min(backoff * 2, 10_000);
      }
      if (!stopped) await waker.sleep(backoff);
    }
  })();
  const timer = everyInterval(
    opts.reconcileIntervalMs ?? 30_000,
    reconcile,
    log,
    'slack.manager_reconcile_failed',
    'reconcile failed; next pass retries',
  );
  log.info(
    { event: 'slack.manager_started', channel: opts.channel, hour: opts.summaryHour, tz: opts.timezone },
    'manager channel jobs started',
  );

  let closing: Promise<void> | null = null;
  return {
    queue,
    dispatch,
    async tickSummary() {
      await queue.add(SUMMARY_JOB, {});
    },
    close() {
      closing ??= (async () => {
        stopped = true;
        clearInterval(timer);
        waker.wake();
        await loop;
        await worker.close();
        await queue.close().catch(() => {});
        breakerRedis.disconnect();
      })();
      return closing;
    },
  };
}
