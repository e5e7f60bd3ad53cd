import { DelayedError, type Job } from 'bullmq';
import { buildPostbackRequest, deliveryValues, endpointOf } from '../app/postbacks/postback-request.js';
import type { AttemptRow, DeliveryForSend } from '../db/repositories/deliveries.js';
import { decideRetry, isEndpointFailure, jitter } from '../domain/retry-schedule.js';
import type { Logger } from '../infra/logger.js';
import type { SafeHttpClient } from '../outbound/safe-http.js';
import type { Limiter } from './batching.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { BATCH_JOB, deliveryIdOf } from './queues.js';
import type { RelayStore } from './relay-store.js';

export interface DeliverContext {
  store: RelayStore;
  http: SafeHttpClient;
  breaker: CircuitBreaker;
  schedule: readonly number[];
  now: () => number;
  logger: Logger;
  /** Aborted when a graceful shutdown runs out of patience: in-flight sends end as 'aborted'. */
  shutdown: AbortSignal;
  /** Bounds sends in flight across all jobs: a batch job carries many deliveries. */
  sends: Limiter;
  /** Bounds deliveries loaded at once: a batch job waits here weighing its size before reading its rows. */
  loaded: Limiter;
  /** Gives deliveries their own delayed "d" job (retries, pauses, early re-adds from a batch job). */
  requeue: (items: { id: number; delay: number }[]) => Promise<void>;
  onDelivered?: (deliveryId: number) => void;
}

const SNIPPET = 1024;

/** What one look at one delivery ended in: finished for now (with a label), or "try again at `at`". */
type Step = { kind: 'done'; label: string } | { kind: 'later'; at: number };

/**
 * One attempt of one delivery, shared by both job kinds. The row (re-read by the caller) decides: a
 * delivered or dead row is skipped, so a job run twice (stall, reconciler, replay race) cannot send twice
 * for the same state. The outcome is written (group commit) BEFORE we return, so a retry job created from
 * the returned `later` always reads the new attempt count and never fires early.
 */
function createAttempt(ctx: DeliverContext) {
  /**
   * `resumed`: the job carrying this delivery was handed out before and its worker died (BullMQ found it
   * stalled, or the reconciler recovered the row). Whether that worker's send reached the partner is unknown,
   * so the log gets an "interrupted" attempt first: a partner who sees the postback twice finds both in the
   * attempt log, and {postback_id} (the delivery id) is the same on both.
   */
  return async function attempt(id: number, d: DeliveryForSend | undefined, resumed = false): Promise<Step> {
    if (d?.state !== 'pending') return { kind: 'done', label: 'skipped' };
    if (!d.postback.enabled) {
      await ctx.store.writer.submit({ kind: 'dead_without_attempt', deliveryId: id, reason: 'postback_disabled' });
      return { kind: 'done', label: 'postback_disabled' };
    }
    // Re-added early (reconciler after a Redis wipe, a replay racing a retry): wait for the row's own time.
    if (d.nextAttemptAt > ctx.now() + 1000) return { kind: 'later', at: d.nextAttemptAt };

    const req = buildPostbackRequest(d.postback, deliveryValues(d));
    const endpoint = endpointOf(req.url);
    const gate = endpoint ? await ctx.breaker.check(endpoint) : ({ kind: 'allow' } as const);
    // Paused: wait out the cool-down without spending an attempt; spread the wake-ups over a couple of seconds.
    if (gate.kind === 'pause') return { kind: 'later', at: gate.until + jitter(1000) };

    if (resumed && d.attempts === 0) await ctx.store.writer.submit(interrupted(id, d, req, ctx.now()));
    const result = await ctx.sends.run(() => ctx.http.send({ ...req, signal: ctx.shutdown }));
    if (result.errorClass === 'aborted') return { kind: 'later', at: ctx.now() + 1000 };
    const at = ctx.now();
    const outcome = { status: result.status, errorClass: result.errorClass, retryAfter: result.headers['retry-after'] };
    const decision = decideRetry({ outcome, attempts: d.attempts + 1, schedule: ctx.schedule, now: at });
    if (endpoint) {
      ctx.breaker.record(endpoint, isEndpointFailure(outcome), gate.kind === 'probe', {
        postbackId: d.postbackId,
        partnerId: d.partnerId,
      });
    }
    const state = decision.kind === 'delivered' ? 'delivered' : decision.kind === 'retry' ? 'pending' : 'dead';
    await ctx.store.writer.submit({
      kind: 'attempt',
      attempt: attemptRow(id, d, req, at, {
        status_code: result.status ?? null,
        duration_ms: result.durationMs,
        error_class: result.errorClass ?? null,
        error_message: result.errorMessage?.slice(0, 300) ?? null,
        response_snippet: result.bodySnippet.slice(0, SNIPPET),
      }),
      update: {
        id,
        state,
        nextAttemptAt: decision.kind === 'retry' ? at + decision.delayMs : null,
        lastStatus: result.status ?? null,
        lastErrorClass: result.errorClass ?? (decision.kind === 'disable' ? 'gone' : null),
        at,
      },
      ...(decision.kind === 'disable'
        ? { disable: { postbackId: d.postbackId, partnerId: d.partnerId, reason: decision.reason } }
        : {}),
    });
    if (decision.kind === 'delivered') ctx.onDelivered?.(id);
    if (decision.kind === 'retry') return { kind: 'later', at: at + decision.delayMs };
    return { kind: 'done', label: decision.kind };
  };
}

/**
 * Two job kinds on one queue. "d<id>" = one delivery: its retries and pauses move the same job to delayed,
 * keeping jobId = delivery id; only real attempts count against the schedule. "batch" = the first attempt of
 * a page of fresh deliveries, read in one query and sent concurrently; whatever must wait gets its own
 * delayed "d" job. If that hand-off fails the batch job fails and BullMQ re-runs it: rows already finished
 * are skipped, and the reconciler still covers every pending row if Redis loses everything.
 */
export function createDeliverProcessor(ctx: DeliverContext) {
  const attempt = createAttempt(ctx);

  async function single(job: Job, token: string | undefined): Promise<string> {
    const id = deliveryIdOf(job.id);
    const resumed = job.stalledCounter > 0 || (job.data as { recovered?: boolean }).recovered === true;
    const step = await ctx.loaded.run(async () => attempt(id, await ctx.store.loader.load(id), resumed));
    if (step.kind === 'done') return step.label;
    await job.moveToDelayed(Math.max(step.at, ctx.now() + 1), token);
    throw new DelayedError();
  }

  /** One attempt each, concurrently; what must wait is handed to "d" jobs. Rejects if an outcome was not written. */
  async function firstAttempts(ids: number[], rows: Map<number, DeliveryForSend>, resumed = false): Promise<number> {
    const steps = await Promise.allSettled(ids.map((id) => attempt(id, rows.get(id), resumed)));
    const later: { id: number; delay: number }[] = [];
    let failed: unknown = null;
    steps.forEach((s, i) => {
      const id = ids[i] as number;
      if (s.status === 'rejected') failed ??= s.reason;
      else if (s.value.kind === 'later') later.push({ id, delay: Math.max(1, s.value.at - ctx.now()) });
    });
    if (later.length > 0) await ctx.requeue(later);
    if (failed) throw failed;
    return later.length;
  }

  async function batch(job: Job): Promise<string> {
    const ids = ((job.data as { ids?: unknown }).ids as number[] | undefined) ?? [];
    // A delivery whose outcome could not be written (database away) rejects: the job fails and BullMQ runs it again.
    const resumed = job.stalledCounter > 0;
    const later = await ctx.loaded.run(
      async () => firstAttempts(ids, await ctx.store.loadMany(ids), resumed),
      ids.length,
    );
    return `batch of ${ids.length}, ${later} to retry`;
  }

  return {
    process(job: Job, token?: string): Promise<string> {
      return job.name === BATCH_JOB ? batch(job) : single(job, token);
    },
  };
}

function interrupted(
  id: number,
  d: DeliveryForSend,
  req: { url: string; method: string },
  at: number,
): { kind: 'interrupted'; attempt: AttemptRow } {
  return {
    kind: 'interrupted',
    attempt: attemptRow(id, d, req, at, {
      status_code: null,
      duration_ms: 0,
      error_class: 'interrupted',
      error_message: 'the worker sending this stopped before recording an answer; the partner may have received it',
      response_snippet: '',
    }),
  };
}

type AttemptOutcome = Pick<
  AttemptRow,
  'status_code' | 'duration_ms' | 'error_class' | 'error_message' | 'response_snippet'
>;

/** One attempts row: which delivery and request it was, plus how it ended (an answer, or an interruption). */
function attemptRow(
  id: number,
  d: DeliveryForSend,
  req: { url: string; method: string },
  at: number,
  outcome: AttemptOutcome,
): AttemptRow {
  return {
    delivery_id: id,
    postback_id: d.postbackId,
    partner_id: d.partnerId,
    kind: 'delivery',
    at,
    url: req.url,
    method: req.method,
    ...outcome,
  };
}
