import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { AppError } from '../domain/errors.js';
import type { QueueFactory } from '../infra/redis.js';

export const POSTBACK_QUEUE = 'postbacks';
export const DELIVER_JOB = 'deliver';
/** A fresh page of deliveries in one job: BullMQ costs a few Redis round trips per job, not per delivery. */
export const BATCH_JOB = 'batch';
/** Deliveries per batch job: enough to amortise BullMQ, small enough that one slow endpoint holds up few. */
export const BATCH_SIZE = 100;

/**
 * Jobs carry only their id ("d" + delivery id); the handler re-reads the row. Removed when finished so that a
 * later re-add with the same jobId (reconciler, replay) creates a fresh job instead of being ignored as a
 * duplicate. `attempts` here covers infrastructure failures only (database down mid-job); HTTP retries are
 * scheduled by the relay itself with moveToDelayed, which does not spend them.
 */
export const DELIVERY_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
} as const;

/**
 * BullMQ refuses integer-looking custom ids (they could collide with its own counter), so the jobId is the
 * delivery id with a "d" in front: one job per delivery, whatever re-adds it.
 */
export const jobIdOf = (deliveryId: number) => `d${deliveryId}`;
export const deliveryIdOf = (jobId: string | undefined) => Number((jobId ?? '').slice(1));

/**
 * `recovered`: re-added by the reconciler for a row that was handed out long ago and is still pending, so an
 * earlier send may have reached the partner before its worker died; the next attempt says so in the log.
 */
export function deliveryJob(id: number, delay = 0, recovered = false) {
  return {
    name: DELIVER_JOB,
    data: recovered ? { recovered: true } : {},
    opts: { jobId: jobIdOf(id), ...(delay > 0 ? { delay } : {}) },
  };
}

/**
 * First attempts of freshly committed deliveries: batch jobs of up to BATCH_SIZE ids. The jobId names exactly
 * the ids the job carries ("b" + first id + "." + a digest of them all): a page re-added whole (a dispatcher
 * that crashed before its COMMIT) dedupes, while a different page that happens to start at the same id is a
 * different job. (It was "b" + first id alone, and BullMQ dropped such a second page as a duplicate while
 * its rows stayed marked queued until the reconciler found them a minute later.) Data is the ids only.
 * Failures and anything that must wait get their own "d" job (retries keep the per-delivery path).
 */
export const batchJobIdOf = (ids: readonly number[]) =>
  `b${ids[0]}.${createHash('sha1').update(ids.join(',')).digest('base64url').slice(0, 16)}`;

export async function enqueueBatches(queue: Queue, ids: number[], size = BATCH_SIZE): Promise<void> {
  const jobs = [];
  for (let i = 0; i < ids.length; i += size) {
    const part = ids.slice(i, i + size);
    jobs.push({ name: BATCH_JOB, data: { ids: part }, opts: { jobId: batchJobIdOf(part) } });
  }
  for (let i = 0; i < jobs.length; i += 100) await queue.addBulk(jobs.slice(i, i + 100));
}

/** Adds jobs for these delivery ids; existing jobs with the same id are left alone by BullMQ. */
export async function enqueueDeliveries(
  queue: Queue,
  items: { id: number; delay?: number }[],
  opts: { recovered?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    await queue.addBulk(items.slice(i, i + 500).map((it) => deliveryJob(it.id, it.delay, opts.recovered)));
  }
}

/** The app's queue factory, or a clear error for a role that needs Redis where none was configured. */
export function queuesOf(app: { queues: QueueFactory | null }): QueueFactory {
  if (!app.queues) {
    throw new AppError(
      'unavailable',
      'redis_required',
      'the postback relay needs Redis: set REDIS_URL, or leave it unset to let partnerdesk start its own',
    );
  }
  return app.queues;
}
