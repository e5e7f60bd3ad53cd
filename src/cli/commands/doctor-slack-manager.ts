import type { Config } from '../../config/index.js';
import { createManagerWebClient } from '../../jobs/manager/manager-channel.js';

export interface ManagerChannelCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const NAME = 'managers';
const INVITE = 'invite the app into the channel: type `/invite @partnerdesk` there (private channels too)';

/**
 * The manager channel as Slack sees it: the channel exists for this token and the bot is a member (alerts
 * and the daily summary would otherwise fail with not_in_channel). Asked with conversations.info.
 */
export async function checkManagerChannel(config: Config, timeoutMs = 5_000): Promise<ManagerChannelCheck> {
  const cfg = config.slack;
  if (!cfg?.managerChannel) {
    return { name: NAME, ok: true, detail: 'SLACK_MANAGER_CHANNEL unset: no manager channel, alerts or daily summary' };
  }
  const channel = cfg.managerChannel;
  if (!/^[CG][A-Z0-9]{6,}$/.test(channel)) {
    return {
      name: NAME,
      ok: false,
      detail: `SLACK_MANAGER_CHANNEL "${channel}" is not a channel id`,
      fix: 'use the id (C0123ABCD), not the name: in Slack, open the channel details; the id is at the bottom',
    };
  }
  const odd = cfg.managerUsers.filter((u) => !/^[UW][A-Z0-9]{6,}$/.test(u));
  if (odd.length > 0) {
    return {
      name: NAME,
      ok: false,
      detail: `SLACK_MANAGER_USERS has ${odd.map((u) => `"${u}"`).join(', ')}, not user ids`,
      fix: 'list member ids (U0123ABCD) separated by commas: profile → ⋯ → Copy member ID',
    };
  }
  if (!cfg.botToken) {
    return {
      name: NAME,
      ok: false,
      detail: 'SLACK_MANAGER_CHANNEL is set without SLACK_BOT_TOKEN',
      fix: "set the operator workspace's bot token (xoxb-...)",
    };
  }
  const client = createManagerWebClient(cfg.botToken, cfg.apiUrl);
  const who =
    cfg.managerUsers.length > 0
      ? `${cfg.managerUsers.length} listed manager(s)`
      : 'every member may run manager commands';
  try {
    const res = await Promise.race([
      client.conversations.info({ channel }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`Slack did not answer within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
      ),
    ]);
    if (res.channel?.is_member === false) {
      return { name: NAME, ok: false, detail: `the bot is not a member of ${channel}`, fix: INVITE };
    }
    return {
      name: NAME,
      ok: true,
      detail: `bot is in ${channel}${res.channel?.name ? ` (#${res.channel.name})` : ''}; ${who}`,
    };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found' || code === 'not_in_channel') {
      return {
        name: NAME,
        ok: false,
        detail: `${channel}: ${code} (a private channel the bot is not in looks like this too)`,
        fix: INVITE,
      };
    }
    return {
      name: NAME,
      ok: false,
      detail: `could not ask Slack about ${channel}: ${code ?? (err as Error).message}`,
      fix: 'check SLACK_BOT_TOKEN (and SLACK_API_URL if set) and that this machine reaches slack.com',
    };
  }
}
