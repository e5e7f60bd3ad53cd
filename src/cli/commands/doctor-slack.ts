import { webApi } from '@slack/bolt';
import type { Config } from '../../config/index.js';

export interface SlackCheck {
  ok: boolean;
  detail: string;
  fix?: string;
}

const errorOf = (err: unknown): string =>
  (err as { data?: { error?: string } })?.data?.error ?? (err instanceof Error ? err.message : String(err));

/**
 * Asks Slack whether SLACK_BOT_TOKEN works (auth.test) and, with SLACK_MANAGER_CHANNEL, whether the bot is a
 * member of that channel (else every alert would fail with not_in_channel). Null when there is no token to try.
 */
export async function checkSlackToken(config: Config): Promise<SlackCheck[]> {
  const cfg = config.slack;
  if (!cfg?.botToken) return [];
  const base = cfg.apiUrl ? (cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/`) : undefined;
  const client = new webApi.WebClient(cfg.botToken, {
    ...(base ? { slackApiUrl: base } : {}),
    timeout: 5_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const out: SlackCheck[] = [];
  try {
    const me = await client.auth.test();
    out.push({ ok: true, detail: `auth.test ok: bot ${me.user ?? me.user_id} in workspace ${me.team ?? me.team_id}` });
  } catch (err) {
    return [
      {
        ok: false,
        detail: `auth.test refused SLACK_BOT_TOKEN: ${errorOf(err)}`,
        fix: "copy the Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page, and check SLACK_API_URL",
      },
    ];
  }
  if (cfg.managerChannel) {
    try {
      const info = await client.conversations.info({ channel: cfg.managerChannel });
      out.push(
        info.channel?.is_member
          ? { ok: true, detail: `the bot is in the manager channel ${cfg.managerChannel}` }
          : {
              ok: false,
              detail: `the bot is not a member of SLACK_MANAGER_CHANNEL ${cfg.managerChannel}`,
              fix: 'invite it there: /invite @partnerdesk in that channel',
            },
      );
    } catch (err) {
      out.push({
        ok: false,
        detail: `cannot read SLACK_MANAGER_CHANNEL ${cfg.managerChannel}: ${errorOf(err)}`,
        fix: 'use the channel ID (C...), and invite the bot there',
      });
    }
  }
  return out;
}
