import type { Config } from '../../config/index.js';

export interface ManagerChannelCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const NAME = 'managers';
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The manager channel's settings: ids where Slack wants ids (a channel name or a user name would make every
 * command a refusal), and who may run commands and when the summary goes out, in words. Whether the bot is
 * in the channel is asked of Slack by the slack check (doctor-slack.ts, conversations.info).
 */
export function checkManagerChannel(config: Config): ManagerChannelCheck {
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
      detail: 'SLACK_MANAGER_CHANNEL is set without SLACK_BOT_TOKEN: alerts and the summary cannot be posted',
      fix: "set the operator workspace's bot token (xoxb-...)",
    };
  }
  const who =
    cfg.managerUsers.length > 0
      ? `${cfg.managerUsers.length} listed manager(s)`
      : 'every member of the channel may run manager commands';
  return {
    name: NAME,
    ok: true,
    detail: `channel ${channel}; ${who}; daily summary at ${two(cfg.managerSummaryHour)}:00 ${cfg.managerTimezone}`,
  };
}
