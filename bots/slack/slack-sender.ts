import { webApi } from '@slack/bolt';
import type { NotificationView } from '../../src/app/chat/notification-view.js';
import type { App } from '../../src/main/create-app.js';
import {
  ChatRateLimitedError,
  type ChatSender,
  ChatUnreachableError,
  renderNotification,
} from '../core/notifications.js';
import { slackErrorCode, uploadFiles } from './deliver.js';
import { splitSlackKey } from './partner-handlers.js';
import { planSlackReply } from './render-blocks.js';

/** Errors after which asking again will not help: the user or the app is gone from that workspace. */
const UNREACHABLE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'invalid_auth',
  'token_revoked',
  'cannot_dm_bot',
  'team_access_not_granted',
]);

export interface SlackSenderOptions {
  /** Multi-workspace: the bot token of a team (installation store); default SLACK_BOT_TOKEN. */
  tokenFor?: (teamId: string) => Promise<string | undefined>;
}

/**
 * Notifications into a partner's DM with the app. The chat id is "TEAM:USER" (bots/slack/partner-handlers.ts):
 * a user id as channel posts into the app's DM. No retry here: a 429 goes back to the notification queue as
 * ChatRateLimitedError, which pauses that chat for Retry-After without holding a worker slot, and the outbox
 * row records what was sent, so nothing is lost or sent twice.
 */
export function createSlackSender(app: App, opts: SlackSenderOptions = {}): ChatSender {
  const cfg = app.config.slack;
  if (!cfg) throw new Error('Slack notifications need SLACK_BOT_TOKEN (or the multi-workspace install)');
  const base = cfg.apiUrl ? (cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/`) : undefined;
  const clients = new Map<string, webApi.WebClient>();
  const clientFor = async (teamId: string) => {
    const token = opts.tokenFor ? await opts.tokenFor(teamId) : cfg.botToken;
    if (!token) throw new ChatUnreachableError(`slack team ${teamId}: the app is not installed there`);
    let c = clients.get(token);
    if (!c) {
      c = new webApi.WebClient(token, {
        ...(base ? { slackApiUrl: base } : {}),
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      });
      clients.set(token, c);
    }
    return c;
  };
  return {
    platform: 'slack',
    async send(chatId: string, view: NotificationView) {
      const r = renderNotification(view, 'slack');
      const { teamId, userId } = splitSlackKey(chatId);
      const client = await clientFor(teamId);
      try {
        for (const o of planSlackReply(r)) {
          if (o.kind === 'message') await client.chat.postMessage({ channel: userId, text: o.text, blocks: o.blocks });
          else {
            const dm = await client.conversations.open({ users: userId });
            if (dm.channel?.id) await uploadFiles(client, dm.channel.id, o.files, o.comment);
          }
        }
      } catch (err) {
        if (err instanceof Error && 'retryAfter' in err && typeof err.retryAfter === 'number') {
          throw new ChatRateLimitedError(Math.max(1, err.retryAfter) * 1000);
        }
        const code = slackErrorCode(err);
        if (code && UNREACHABLE.has(code)) throw new ChatUnreachableError(`slack chat ${chatId}: ${code}`);
        throw err;
      }
    },
  };
}
