import { DelayedError, type Job } from 'bullmq';
import { buildPostbackRequest, deliveryValues, endpointOf } from '../app/postback-request.js';
import { decideRetry, isEndpointFailure, jitter } from '../domain/retry-schedule.js';
import type { Logger } from '../infra/logger.js';
import type { SafeHttpClient } from '../outbound/safe-http.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { deliveryIdOf } from './queues.js';
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
  onDelivered?: (deliveryId: number) => void;
}

const SNIPPET = 1024;

/**
 * One BullMQ job = one attempt of one delivery. The job holds only the id; the row is re-read (batched) and
 * decides: a delivered or dead row is skipped, so a job run twice (stall, reconciler, replay race) cannot
 * send twice for the same state. Retries and circuit-breaker pauses move the same job to delayed, keeping
 * jobId = delivery id; only real attempts count against the schedule.
 */
export function createDeliverProcessor(ctx: DeliverContext) {
  const later = async (job: Job, at: number, token: string | undefined): Promise<never> => {
    await job.moveToDelayed(Math.max(at, ctx.now() + 1), token);
    throw new DelayedError();
  };

  return async function deliver(job: Job, token?: string): Promise<string> {
    const id = deliveryIdOf(job.id);
    const d = await ctx.store.loader.load(id);
    if (d?.state !== 'pending') return 'skipped';
    if (!d.postback.enabled) {
      await ctx.store.writer.submit({ kind: 'dead_without_attempt', deliveryId: id, reason: 'postback_disabled' });
      return 'postback_disabled';
    }
    // Re-added early (reconciler after a Redis wipe, a replay racing a retry): wait for the row's own time.
    if (d.nextAttemptAt > ctx.now() + 1000) return later(job, d.nextAttemptAt, token);

    const req = buildPostbackRequest(d.postback, deliveryValues(d));
    const endpoint = endpointOf(req.url);
    const gate = endpoint ? await ctx.breaker.check(endpoint) : ({ kind: 'allow' } as const);
    // Paused: wait out the cool-down without spending an attempt; spread the wake-ups over a couple of seconds.
    if (gate.kind === 'pause') return later(job, gate.until + jitter(1000), token);

    const result = await ctx.http.send({ ...req, signal: ctx.shutdown });
    if (result.errorClass === 'aborted') return later(job, ctx.now() + 1000, token);
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
      attempt: {
        delivery_id: id,
        postback_id: d.postbackId,
        partner_id: d.partnerId,
        kind: 'delivery',
        at,
        url: req.url,
        method: req.method,
        status_code: result.status ?? null,
        duration_ms: result.durationMs,
        error_class: result.errorClass ?? null,
        error_message: result.errorMessage?.slice(0, 300) ?? null,
        response_snippet: result.bodySnippet.slice(0, SNIPPET),
      },
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
    if (decision.kind === 'retry') return later(job, at + decision.delayMs, token);
    return decision.kind;
  };
}
