import type { Job, Queue } from 'bullmq';
import {
  DIGEST_LEASE_MS,
  DigestRetryError,
  type DigestSendDeps,
  processDigest,
} from '../../app/digests/process-digest.js';
import { sendDigestConfirmations } from '../../app/digests/send-confirmations.js';
import { type TickResult, tickDigests } from '../../app/digests/tick-digests.js';
import type { ChartSpec } from '../../charts/index.js';
import { findStuckDigests, findUndispatchedDigests, markDigestsQueued } from '../../db/repositories/digests.js';
import { compileDigestTemplate, type DigestTemplate } from '../../mail/digest-template.js';
import { createMailTransport, type MailTransport } from '../../mail/transport.js';
import type { App } from '../../main/create-app.js';
import { createWaker, everyInterval } from '../poll.js';
import { queuesOf } from '../queues.js';
import { digestCounter } from './metrics.js';
import { DIGEST_JOB_OPTIONS, DIGEST_QUEUE, digestIdOf, enqueueDigests, TICK_JOB, TICK_SCHEDULER_ID } from './queue.js';

export interface DigestWorkerOptions {
  /** Queue prefix in Redis (tests isolate themselves with a random one). */
  prefix?: string;
  concurrency?: number;
  /** Dispatcher poll (fresh rows, confirmation mails); default 2 s. */
  pollMs?: number;
  reconcileIntervalMs?: number;
  /** A pending row queued longer ago than this is handed to BullMQ again; default 10 min. */
  reconcileGraceMs?: number;
  /** Install the hourly tick scheduler (default true). */
  schedule?: boolean;
  /** First retry delay after a temporary SMTP failure (doubles each time); default 30 s. */
  backoffMs?: number;
  /** How long a row may sit in rendering/sending before it is taken for abandoned; default 5 min. */
  leaseMs?: number;
  /** BullMQ lock duration of a job (stalled jobs come back after it); default BullMQ's 30 s. */
  lockMs?: number;
  /** Overrides for tests and benches. */
  renderChart?: (spec: ChartSpec) => Promise<Uint8Array>;
  transport?: MailTransport;
  template?: DigestTemplate;
}

export interface RunningDigests {
  queue: Queue;
  transport: MailTransport;
  /** The scheduler's tick now, then enqueue what it created. */
  tick(now?: number): Promise<TickResult>;
  dispatch(): Promise<number>;
  reconcile(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The digest role: an hourly BullMQ job scheduler (tz UTC) whose tick inserts one row per due digest, a
 * dispatcher that hands fresh rows to the "digests" queue as id-only jobs, a worker (rate-limited by
 * DIGEST_RATE_PER_SECOND across all workers) that renders and sends them, and a reconciler for rows left
 * behind by a crash or a wiped Redis. Any number of worker processes may run it: the rows' unique key and
 * compare-and-set states keep every digest single. Charts render on the chart worker pool, so the event
 * loop holding BullMQ's locks only waits on I/O.
 */
export async function startDigestWorker(app: App, opts: DigestWorkerOptions = {}): Promise<RunningDigests> {
  const log = app.logger.child({ component: 'digests' });
  const bull = queuesOf(app);
  const prefix = opts.prefix ?? 'bull';
  const template = opts.template ?? (await compileDigestTemplate());
  const transport = opts.transport ?? createMailTransport(app.config.mail);
  const count = digestCounter(app.metrics.registry);
  const deps: DigestSendDeps = {
    ...app,
    renderer: {
      config: app.config,
      template,
      renderChart: opts.renderChart ?? ((spec) => app.charts.render(spec)),
      logger: log,
    },
    transport,
    count,
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
  };
  const queue = bull.queue(DIGEST_QUEUE, {
    prefix,
    defaultJobOptions: {
      ...DIGEST_JOB_OPTIONS,
      backoff: { type: 'exponential', delay: opts.backoffMs ?? DIGEST_JOB_OPTIONS.backoff.delay },
    },
  });
  queue.on('error', (err) => log.warn({ err: err.message, event: 'digest.queue_error' }, 'queue connection problem'));
  await queue.waitUntilReady();

  const dispatch = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const ids = await findUndispatchedDigests(app.db, app.now(), 1_000);
      if (ids.length === 0) break;
      await enqueueDigests(queue, ids);
      await markDigestsQueued(app.db, ids, app.now());
      total += ids.length;
      if (ids.length < 1_000) break;
    }
    return total;
  };

  const tick = async (now = app.now()): Promise<TickResult> => {
    const r = await tickDigests(app, now);
    count('due', r.due);
    await dispatch();
    log.info({ event: 'digest.tick', due: r.due, created: r.created }, 'digest tick');
    return r;
  };

  const graceMs = opts.reconcileGraceMs ?? 10 * 60_000;
  const reconcile = async (): Promise<number> => {
    const now = app.now();
    const ids = await findStuckDigests(app.db, {
      queuedBefore: now - graceMs,
      leaseBefore: now - (opts.leaseMs ?? DIGEST_LEASE_MS),
      limit: 5_000,
    });
    if (ids.length === 0) return 0;
    await enqueueDigests(queue, ids);
    await markDigestsQueued(app.db, ids, now);
    log.info({ event: 'digest.reconciler_requeued', count: ids.length }, 're-enqueued digests left behind');
    return ids.length;
  };

  const worker = bull.worker(
    DIGEST_QUEUE,
    async (job: Job) => {
      if (job.name === TICK_JOB) return tick();
      try {
        return await processDigest(deps, digestIdOf(job.id));
      } catch (err) {
        if (!(err instanceof DigestRetryError))
          log.warn({ err: (err as Error).message, jobId: job.id, event: 'digest.job_error' }, 'digest job failed');
        throw err;
      }
    },
    {
      prefix,
      concurrency: opts.concurrency ?? 16,
      ...(opts.lockMs !== undefined
        ? { lockDuration: opts.lockMs, stalledInterval: Math.max(500, opts.lockMs / 2) }
        : {}),
      limiter: { max: Math.max(1, Math.round(app.config.digests.ratePerSecond)), duration: 1_000 },
    },
  );
  worker.on('error', (err) => log.warn({ err: err.message, event: 'digest.worker_error' }, 'worker problem'));
  if (opts.schedule !== false) {
    await queue.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { pattern: '0 * * * *', tz: 'UTC' },
      { name: TICK_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  let stopped = false;
  const waker = createWaker();
  const loop = (async () => {
    let backoff = opts.pollMs ?? 2_000;
    while (!stopped) {
      try {
        await sendDigestConfirmations(app, transport);
        await dispatch();
        backoff = opts.pollMs ?? 2_000;
      } catch (err) {
        log.warn(
          { err: (err as Error).message, event: 'digest.dispatch_failed' },
          'digest dispatch failed; will retry',
        );
        backoff = Math.min(backoff * 2, 30_000);
      }
      if (stopped) break;
      await waker.sleep(backoff);
    }
  })();
  const timer = everyInterval(
    opts.reconcileIntervalMs ?? 60_000,
    reconcile,
    log,
    'digest.reconcile_failed',
    'digest reconcile failed',
  );
  log.info(
    { event: 'digest.started', transport: transport.describe, compileMs: template.compileMs },
    'digest worker started',
  );

  let closing: Promise<void> | null = null;
  return {
    queue,
    transport,
    tick,
    dispatch,
    reconcile,
    close() {
      closing ??= (async () => {
        stopped = true;
        clearInterval(timer);
        waker.wake();
        await loop;
        await worker.close();
        await queue.close().catch(() => {});
        if (!opts.transport) transport.close();
      })();
      return closing;
    },
  };
}
