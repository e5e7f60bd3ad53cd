import type { Queue } from 'bullmq';
import type { ChatSender } from '../../app/chat/chat-sender.js';
import type { App } from '../../main/create-app.js';
import { queuesOf } from '../queues.js';
import { createChatThrottle } from './chat-throttle.js';
import { type OutboxOptions, startNotificationOutbox } from './outbox.js';
import { createNotifyProcessor } from './process.js';
import { GLOBAL_LIMIT, NOTIFY_JOB_OPTIONS, NOTIFY_QUEUE } from './queue.js';

export interface NotificationsOptions extends OutboxOptions {
  /** Queue prefix in Redis (tests isolate themselves with a random one). */
  prefix?: string;
  concurrency?: number;
  /** Run the dispatcher and reconciler (default true); false = only consume jobs. */
  dispatch?: boolean;
  retryMs?: readonly number[];
}

export interface RunningNotifications {
  queue: Queue;
  /** One dispatch pass now (tests); 0 when dispatching is off. */
  dispatch(): Promise<number>;
  /** One reconciler pass now (tests); 0 when dispatching is off. */
  reconcile(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Chat notifications: the outbox dispatcher and reconciler plus a BullMQ worker on "notifications" that
 * sends through the given senders (one per platform). Runs in the role that runs the bots, since it needs
 * their tokens; any number of such processes share the Redis-held limits.
 */
export async function startNotifications(
  app: App,
  senders: ChatSender[],
  opts: NotificationsOptions = {},
): Promise<RunningNotifications> {
  const log = app.logger.child({ component: 'notifications' });
  const bull = queuesOf(app);
  const prefix = opts.prefix ?? 'bull';
  const queue = bull.queue(NOTIFY_QUEUE, { prefix, defaultJobOptions: NOTIFY_JOB_OPTIONS });
  queue.on('error', (err) => log.warn({ err: err.message, event: 'notify.queue_error' }, 'queue connection problem'));
  await queue.waitUntilReady();
  const redis = await bull.connection();
  redis.on('error', (err) =>
    log.warn({ err: err.message, event: 'notify.redis_error' }, 'throttle connection problem'),
  );

  const processor = createNotifyProcessor({
    deps: app,
    senders: new Map(senders.map((s) => [s.platform, s])),
    throttle: createChatThrottle(redis, prefix),
    queue,
    retryMs: opts.retryMs,
  });
  const worker = bull.worker(NOTIFY_QUEUE, processor, {
    prefix,
    concurrency: opts.concurrency ?? 8,
    limiter: GLOBAL_LIMIT,
  });
  worker.on('error', (err) => log.warn({ err: err.message, event: 'notify.worker_error' }, 'worker problem'));
  worker.on('failed', (job, err) =>
    log.warn({ err: err.message, jobId: job?.id, event: 'notify.job_failed' }, 'notification job failed'),
  );
  const outbox = opts.dispatch === false ? null : startNotificationOutbox(app, queue, opts);
  log.info({ event: 'notify.started', platforms: senders.map((s) => s.platform) }, 'chat notifications started');

  let closing: Promise<void> | null = null;
  return {
    queue,
    dispatch: () => outbox?.dispatchOnce() ?? Promise.resolve(0),
    reconcile: () => outbox?.reconcileOnce() ?? Promise.resolve(0),
    close() {
      closing ??= (async () => {
        await outbox?.stop();
        await worker.close();
        await queue.close().catch(() => {});
        redis.disconnect();
      })();
      return closing;
    },
  };
}
