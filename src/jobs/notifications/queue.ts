import type { Queue } from 'bullmq';

export const NOTIFY_QUEUE = 'notifications';
export const NOTIFY_JOB = 'notify';

/**
 * Telegram's published limits: about 30 messages a second per bot and about one a second per chat. The
 * queue-wide limiter lives in Redis, so it holds across every process that runs this worker.
 */
export const GLOBAL_LIMIT = { max: 30, duration: 1_000 } as const;
export const PER_CHAT_MS = 1_000;

/**
 * Jobs carry only their id; the handler re-reads the row. Removed when finished so a later re-add with the
 * same jobId (reconciler) creates a fresh job rather than being ignored. `attempts` covers infrastructure
 * failures (database down mid-job); send failures are scheduled by the handler with moveToDelayed.
 */
export const NOTIFY_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
} as const;

/** BullMQ refuses integer-looking custom ids, hence the "n". */
export const notifyJobId = (id: number) => `n${id}`;
export const notificationIdOf = (jobId: string | undefined) => Number((jobId ?? '').slice(1));

/** Adds one job per row; rows whose job still exists (waiting, delayed, active) are left alone by BullMQ. */
export async function enqueueNotifications(queue: Queue, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await queue.addBulk(
      ids.slice(i, i + 500).map((id) => ({ name: NOTIFY_JOB, data: {}, opts: { jobId: notifyJobId(id) } })),
    );
  }
}
