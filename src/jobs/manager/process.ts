import { DelayedError, type Job, type Queue, RateLimitError } from 'bullmq';
import type { Deps } from '../../app/deps.js';
import { type AlertToPost, loadAlertToPost } from '../../app/managers/manager-alert-view.js';
import type { DailySummary } from '../../app/managers/manager-daily-summary.js';
import { postDailySummaryOnce } from '../../app/managers/manager-daily-summary.js';
import type { BreakerLookup } from '../../app/managers/manager-failing-endpoints.js';
import {
  claimAlert,
  finishAlert,
  recordAlertFailure,
  releaseAlert,
  saveIncidentThread,
} from '../../db/repositories/manager-alerts.js';
import { type ManagerChannel, SlackChannelUnreachableError, SlackRateLimitedError } from './manager-channel.js';

/** Turns what happened into a Slack message; the Block Kit lives with the Slack adapter (bots/slack/manager). */
export interface ManagerRender {
  alert(a: AlertToPost, timezone: string): { text: string; blocks: unknown[] };
  /** The incident's first message restated once the incident is closed (recovered or disabled). */
  closedRoot(a: AlertToPost, timezone: string): { text: string; blocks: unknown[] };
  summary(s: DailySummary, timezone: string): { text: string; blocks: unknown[] };
}

export interface ManagerJobContext {
  deps: Deps;
  slack: ManagerChannel;
  render: ManagerRender;
  queue: Queue;
  channel: string;
  timezone: string;
  breaker?: BreakerLookup | undefined;
  retryMs?: readonly number[];
}

export const ALERT_JOB = 'alert';
export const SUMMARY_JOB = 'summary';
export const ALERT_RETRY_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000] as const;
/** How long a follow-up waits for its thread root to be posted before asking again. */
const ROOT_WAIT_MS = 1_000;

export const alertJobId = (id: number) => `ma${id}`;
export const alertIdOf = (jobId: string | undefined) => Number((jobId ?? '').slice(2));

/**
 * One processor for the manager queue. An alert job carries only its row id and re-reads the row: a
 * follow-up waits (delayed, no slot held) until its incident's first message has a ts to thread under; a
 * 429 pauses the whole queue for Retry-After in every process and re-runs the job without spending an
 * attempt; a channel the bot cannot post to makes the alert dead at once (doctor says why). The summary
 * job posts yesterday's summary once per day (the day row is claimed before posting).
 */
export function createManagerProcessor(ctx: ManagerJobContext) {
  const { deps } = ctx;
  const log = deps.logger.child({ component: 'slack-manager-jobs' });
  const schedule = ctx.retryMs ?? ALERT_RETRY_MS;

  const later = async (job: Job, token: string | undefined, at: number): Promise<never> => {
    await job.moveToDelayed(Math.max(at, deps.now() + 1), token);
    throw new DelayedError();
  };

  const rateLimited = async (err: SlackRateLimitedError): Promise<never> => {
    log.warn({ event: 'slack.manager_rate_limited', retryAfterMs: err.retryAfterMs }, 'Slack asked to slow down');
    await ctx.queue.rateLimit(err.retryAfterMs);
    throw new RateLimitError();
  };

  /**
   * Rewrites the incident's first message so the channel shows it closed without opening the thread. Only
   * cosmetic: the follow-up is already posted, so a failure here is logged and not retried.
   */
  async function markRootClosed(a: AlertToPost, rootTs: string): Promise<void> {
    const msg = ctx.render.closedRoot(a, ctx.timezone);
    await ctx.slack
      .update({ channel: a.incident.channel ?? ctx.channel, ts: rootTs, text: msg.text, blocks: msg.blocks })
      .catch((err) =>
        log.warn(
          { event: 'slack.manager_root_update_failed', err: (err as Error).message },
          'could not mark incident closed',
        ),
      );
  }

  async function alert(job: Job, token: string | undefined): Promise<string> {
    const id = alertIdOf(job.id);
    const a = await loadAlertToPost(deps, id);
    if (!a) return 'not_pending';
    if (a.alert.nextAttemptAt > deps.now() + 1_000) return later(job, token, a.alert.nextAttemptAt);
    let threadTs: string | undefined;
    if (!a.alert.root) {
      if (a.incident.threadTs) threadTs = a.incident.threadTs;
      else if (a.root?.state === 'pending' || a.root?.state === 'posting') {
        return later(job, token, deps.now() + ROOT_WAIT_MS);
      }
      // Root muted, dead or missing: the follow-up stands alone rather than waiting forever.
    }
    const msg = ctx.render.alert(a, ctx.timezone);
    if (!(await claimAlert(deps.db, id, deps.now()))) return 'claimed_elsewhere';
    try {
      const { ts } = await ctx.slack.post({ channel: ctx.channel, text: msg.text, blocks: msg.blocks, threadTs });
      await deps.db.transaction(async (trx) => {
        if (a.alert.root) await saveIncidentThread(trx, a.incident.id, ctx.channel, ts);
        await finishAlert(trx, id, ts, deps.now());
      });
      if (threadTs && (a.alert.kind === 'recovered' || a.alert.kind === 'disabled')) await markRootClosed(a, threadTs);
      return 'sent';
    } catch (err) {
      if (err instanceof SlackRateLimitedError) {
        await releaseAlert(deps.db, id);
        return rateLimited(err);
      }
      const attempts = a.alert.attempts + 1;
      const message = err instanceof Error ? err.message : String(err);
      const delay = err instanceof SlackChannelUnreachableError ? undefined : schedule[attempts - 1];
      await recordAlertFailure(deps.db, id, {
        attempts,
        nextAttemptAt: deps.now() + (delay ?? 0),
        error: message,
        dead: delay === undefined,
      });
      if (delay === undefined) {
        log.error({ event: 'slack.manager_alert_dead', id, attempts, err: message }, 'gave up on a manager alert');
        return 'dead';
      }
      log.warn({ event: 'slack.manager_alert_failed', id, attempts, err: message }, 'manager alert failed; will retry');
      return later(job, token, deps.now() + delay);
    }
  }

  async function summary(): Promise<string> {
    try {
      const r = await postDailySummaryOnce(
        deps,
        { timezone: ctx.timezone, channel: ctx.channel, breaker: ctx.breaker },
        async (s) => {
          const msg = ctx.render.summary(s, ctx.timezone);
          return ctx.slack.post({ channel: ctx.channel, text: msg.text, blocks: msg.blocks });
        },
      );
      log.info({ event: 'slack.manager_summary', day: r.day, posted: r.posted }, 'daily summary');
      return r.posted ? `posted ${r.day}` : `already posted ${r.day}`;
    } catch (err) {
      if (err instanceof SlackRateLimitedError) return rateLimited(err);
      // BullMQ's attempts/backoff retry it; the day row was given back, so the retry may claim it.
      throw err;
    }
  }

  return async function process(job: Job, token?: string): Promise<string> {
    if (job.name === SUMMARY_JOB) return summary();
    return alert(job, token);
  };
}
