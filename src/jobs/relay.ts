import type { Queue } from 'bullmq';
import type { PartnerEvent } from '../db/repositories/partner-events.js';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../domain/retry-schedule.js';
import type { App } from '../main/create-app.js';
import { createSafeHttpClient, type ResolveHost } from '../outbound/safe-http.js';
import { createLimiter } from './batching.js';
import { type BreakerOptions, type BreakerTransition, createCircuitBreaker } from './circuit-breaker.js';
import { createDeliverProcessor } from './deliver-job.js';
import { startDispatcher } from './dispatcher.js';
import { BATCH_SIZE, DELIVERY_JOB_OPTIONS, enqueueDeliveries, POSTBACK_QUEUE, queuesOf } from './queues.js';
import { startReconciler } from './reconciler.js';
import { createRelayStore } from './relay-store.js';

export interface RelayOptions {
  /** Sends in flight per process (each is mostly waiting on the partner's server); default 256. */
  concurrency?: number;
  /** Delay before each attempt; tests pass a shortened one. */
  retrySchedule?: readonly number[];
  /** Per-attempt deadline (DNS + connect + answer). */
  timeoutMs?: number;
  breaker?: Partial<BreakerOptions>;
  reconcileIntervalMs?: number;
  reconcileGraceMs?: number;
  dispatchPollMs?: number;
  /** BullMQ lock/stall settings: shorter in the chaos test so a killed worker's jobs come back sooner. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How long a graceful close waits for in-flight attempts before aborting them. */
  closeTimeoutMs?: number;
  /** Queue name prefix in Redis (tests isolate themselves with a random one). */
  prefix?: string;
  resolve?: ResolveHost;
  /** In-process listeners (bots in the same process); events are in partner_events either way. */
  onEvents?: (events: PartnerEvent[]) => void;
  onDelivered?: (deliveryId: number) => void;
  /** Run the dispatcher and reconciler too (default true); false = only consume jobs. */
  dispatch?: boolean;
}

export interface RunningRelay {
  queue: Queue;
  /** One reconciler pass now; returns how many deliveries were re-enqueued. */
  reconcile(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The worker role of the postback relay: BullMQ Worker on "postbacks", the outbox dispatcher, the
 * reconciler, the shared circuit breaker and one SSRF-safe HTTP client. Any number of processes may run it
 * against the same database and Redis. close() stops taking jobs, lets in-flight attempts finish (bounded
 * by closeTimeoutMs, then aborts them: they are retried, never lost) and flushes what was learned.
 */
export async function startRelay(app: App, opts: RelayOptions = {}): Promise<RunningRelay> {
  const log = app.logger.child({ component: 'relay' });
  const bull = queuesOf(app);
  const prefix = opts.prefix ?? 'bull';
  const queue = bull.queue(POSTBACK_QUEUE, { prefix, defaultJobOptions: DELIVERY_JOB_OPTIONS });
  queue.on('error', (err) => log.warn({ err: err.message, event: 'relay.queue_error' }, 'queue connection problem'));
  await queue.waitUntilReady();
  const breakerRedis = await bull.connection();
  breakerRedis.on('error', (err) =>
    log.warn({ err: err.message, event: 'relay.redis_error' }, 'breaker connection problem'),
  );

  const httpOptions = {
    allowPrivateNetworks: app.config.postbacks.allowPrivateNetworks,
    timeoutMs: opts.timeoutMs ?? 10_000,
  };
  // Sends run on this thread. A worker thread for them (and a "fast lane" that sent fresh deliveries without
  // BullMQ) were removed: a same-run A/B of bench:relay, three rounds each on this 2-core machine, gave them
  // no measurable gain (332/219/583 delivered/s with, 206/717/346 without; issue 13 asked for >= 1.3x), and
  // the fast lane's rows had a crash window of the reconciler's grace (60 s) instead of the job lock's.
  const http = createSafeHttpClient({ ...httpOptions, resolve: opts.resolve });
  const emit = (events: PartnerEvent[]) => {
    for (const e of events)
      log.warn({ event: `postback.${e.kind}`, partnerId: e.partnerId, postbackId: e.postbackId, ...e.payload }, e.kind);
    opts.onEvents?.(events);
  };
  const store = createRelayStore(app, emit);
  const onTransition = (t: BreakerTransition) => {
    const at = app.now();
    const kind = t.kind === 'recovered' ? 'postback_recovered' : 'postback_failing';
    const payload =
      t.kind === 'opened'
        ? { endpoint: t.endpoint, reason: 'paused: most recent attempts failed', paused_until: t.until }
        : t.kind === 'failing'
          ? { endpoint: t.endpoint, reason: 'several attempts in a row failed' }
          : { endpoint: t.endpoint };
    for (const who of t.who) {
      void store.writer
        .submit({ kind: 'event', event: { kind, partnerId: who.partnerId, postbackId: who.postbackId, payload, at } })
        .catch((err) => log.warn({ err: (err as Error).message }, 'could not record postback event'));
    }
  };
  const breaker = createCircuitBreaker(
    breakerRedis,
    { prefix: `${prefix}:cb`, ...opts.breaker },
    {
      logger: app.logger,
      now: app.now,
      onTransition,
    },
  );

  const shutdown = new AbortController();
  // 256 sends in flight: a partner whose server hangs holds a slot for up to the 10 s deadline, so a wide
  // window keeps one slow endpoint from starving the rest. bench:relay measured 100 against 256: ~9,450 and
  // ~9,900 delivered/s end to end, and a million-delivery backlog drains within the 300 MB RSS budget at 256.
  const concurrency = opts.concurrency ?? 256;
  const processor = createDeliverProcessor({
    store,
    http,
    breaker,
    schedule: opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS,
    now: app.now,
    logger: app.logger,
    shutdown: shutdown.signal,
    sends: createLimiter(concurrency),
    // Eight loaded deliveries per send slot: later batches are read while earlier ones wait on their slowest
    // sends (at x2 a 1M backlog drained slower), yet the heap holds a bounded number of rows, not
    // BullMQ concurrency x batch size of them.
    loaded: createLimiter(Math.max(concurrency * 8, BATCH_SIZE)),
    requeue: (items) => enqueueDeliveries(queue, items),
    onDelivered: opts.onDelivered,
  });
  const worker = bull.worker(POSTBACK_QUEUE, processor.process, {
    prefix,
    concurrency,
    // The crash window: a killed worker's jobs are taken again once their lock expires (it is renewed every
    // half lock while the worker lives) and the next stalled check runs; see RELAY_LOCK_SECONDS.
    lockDuration: opts.lockDurationMs ?? app.config.relay.lockMs,
    stalledInterval: opts.stalledIntervalMs ?? app.config.relay.stalledCheckMs,
    maxStalledCount: 1,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('error', (err) => log.warn({ err: err.message, event: 'relay.worker_error' }, 'worker problem'));
  worker.on('failed', (job, err) =>
    log.warn({ err: err.message, jobId: job?.id, event: 'relay.job_failed' }, 'delivery job failed; will retry'),
  );

  const dispatching = opts.dispatch !== false;
  const dispatcher = dispatching ? startDispatcher(app, queue, { pollMs: opts.dispatchPollMs }) : null;
  const reconciler = dispatching
    ? startReconciler(app, queue, { intervalMs: opts.reconcileIntervalMs, graceMs: opts.reconcileGraceMs })
    : null;
  log.info({ event: 'relay.started', concurrency }, 'postback relay started');

  let closing: Promise<void> | null = null;
  return {
    queue,
    reconcile: () => reconciler?.runOnce() ?? Promise.resolve(0),
    close() {
      closing ??= (async () => {
        await dispatcher?.stop();
        await reconciler?.stop();
        const graceful = worker.close();
        const limit = new Promise<'timeout'>((r) =>
          setTimeout(() => r('timeout'), opts.closeTimeoutMs ?? 15_000).unref(),
        );
        if ((await Promise.race([graceful, limit])) === 'timeout') {
          log.warn({ event: 'relay.close_timeout' }, 'in-flight attempts did not finish in time; aborting them');
          shutdown.abort();
          await worker.close(true).catch(() => {});
        }
        await store.writer.drain();
        await breaker.close();
        await queue.close().catch(() => {});
        breakerRedis.disconnect();
        await http.close();
        log.info({ event: 'relay.stopped' }, 'postback relay stopped');
      })();
      return closing;
    },
  };
}
