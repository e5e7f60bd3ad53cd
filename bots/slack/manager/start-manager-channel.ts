import { createManagerChannel, createManagerWebClient } from '../../../src/jobs/manager/manager-channel.js';
import { type RunningManagerJobs, startManagerJobs } from '../../../src/jobs/manager/start.js';
import type { App } from '../../../src/main/create-app.js';
import { managerRender } from './render.js';

/**
 * The manager channel's alerts and daily summary, for the worker role: null (nothing started) unless
 * SLACK_BOT_TOKEN and SLACK_MANAGER_CHANNEL are set. Safe in any number of processes: alerts are claimed
 * rows, the summary one row per day, and the job scheduler one schedule under a fixed id.
 */
export async function startManagerChannel(app: App): Promise<RunningManagerJobs | null> {
  const cfg = app.config.slack;
  if (!cfg?.botToken || !cfg.managerChannel || !app.redis) return null;
  return startManagerJobs(app, {
    slack: createManagerChannel(createManagerWebClient(cfg.botToken, cfg.apiUrl)),
    render: managerRender,
    channel: cfg.managerChannel,
    timezone: cfg.managerTimezone,
    summaryHour: cfg.managerSummaryHour,
  });
}
