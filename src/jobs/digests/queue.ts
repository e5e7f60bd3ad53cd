import type { Queue } from 'bullmq';

export const DIGEST_QUEUE = 'digests';
export const TICK_JOB = 'tick';
export const SEND_JOB = 'send';
export const TICK_SCHEDULER_ID = 'digest-tick';

/**
 * Jobs carry only the row id ("g" + id; BullMQ refuses integer-looking custom ids); the handler re-reads the
 * row. Removed when finished so a later re-add by the reconciler creates a fresh job. Attempts cover
 * temporary SMTP failures (the row goes back to pending and the job is retried with backoff: 30 s, 1, 2, 4,
 * 8 min ...); the row's own attempt count decides when to give up (DIGEST_MAX_ATTEMPTS).
 */
export const DIGEST_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 8,
  backoff: { type: 'exponential', delay: 30_000 },
} as const;

export const digestJobId = (id: number) => `g${id}`;
export const digestIdOf = (jobId: string | undefined) => Number((jobId ?? '').slice(1));

export async function enqueueDigests(queue: Queue, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await queue.addBulk(
      ids.slice(i, i + 500).map((id) => ({ name: SEND_JOB, data: {}, opts: { jobId: digestJobId(id) } })),
    );
  }
}
