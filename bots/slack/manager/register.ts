import type { RespondArguments } from '@slack/bolt';
import { createManagerGate, type ListMembers } from '../../../src/app/managers/manager-authorize.js';
import type { BreakerLookup } from '../../../src/app/managers/manager-failing-endpoints.js';
import { createBreakerLookup, listChannelMembers } from '../../../src/jobs/manager/manager-channel.js';
import type { SlackExtension } from '../slack-bot.js';
import type { WebClient } from '../slack-types.js';
import { createManagerCommands, MANAGER_WORDS, type ManagerAnswer } from './manager-commands.js';

export interface ManagerExtensionOptions {
  /** The relay's circuit-breaker state, for "paused until" (default: read from app.redis under prefix "bull"). */
  breaker?: BreakerLookup;
}

const respondArgs = (a: ManagerAnswer): RespondArguments => ({
  response_type: a.visibility,
  replace_original: false,
  text: a.message.text,
  // biome-ignore lint/suspicious/noExplicitAny: our Block Kit JSON; Slack validates it
  blocks: a.message.blocks as any,
});

/**
 * The managers' side of the Slack app, plugged in through the bot's extension point: the manager words of
 * `/pd` (partner, linkcode, top, failing, replay) and the `mgr:*` buttons of alerts and lists. The partner
 * side acks first; answers go back through response_url (ephemeral unless the channel should see an action).
 * A button's in-channel answer (replay, mute) goes into the thread of the alert it was clicked on.
 */
export function managerExtension(opts: ManagerExtensionOptions = {}): SlackExtension {
  return ({ app, bolt, client, registerSlashCommand }) => {
    const cfg = app.config.slack;
    const membersVia =
      (c: WebClient | null): ListMembers =>
      (channel) =>
        c ? listChannelMembers(c, channel) : Promise.resolve([]);
    const gate = createManagerGate(
      { channel: cfg?.managerChannel, users: cfg?.managerUsers ?? [] },
      membersVia(client),
      app.now,
    );
    const commands = createManagerCommands(app, gate, {
      timezone: cfg?.managerTimezone ?? 'UTC',
      breaker: opts.breaker ?? createBreakerLookup(app.redis),
    });
    const log = app.logger.child({ component: 'slack-manager' });

    for (const word of MANAGER_WORDS) {
      registerSlashCommand(word, async ({ command, respond, client: requestClient, args }) => {
        const answer = await commands.command({
          userId: command.user_id,
          channelId: command.channel_id,
          text: `${word} ${args}`,
          listMembers: client ? undefined : membersVia(requestClient),
        });
        await respond(respondArgs(answer));
      });
    }

    bolt.action(/^mgr:/, async ({ ack, body, action, respond, client: requestClient }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const channelId: string | undefined = body.channel?.id ?? body.container?.channel_id;
      const answer = await commands.action({
        userId: body.user.id,
        channelId,
        actionId: action.action_id,
        value: action.value ?? '',
        listMembers: client ? undefined : membersVia(requestClient),
      });
      const msg = body.message as { ts?: string; thread_ts?: string } | undefined;
      if (answer.visibility === 'in_channel' && channelId && msg?.ts) {
        try {
          await requestClient.chat.postMessage({
            channel: channelId,
            thread_ts: msg.thread_ts ?? msg.ts,
            text: answer.message.text,
            // biome-ignore lint/suspicious/noExplicitAny: our Block Kit JSON; Slack validates it
            blocks: answer.message.blocks as any,
          });
          return;
        } catch (err) {
          log.warn({ err, event: 'slack.manager_thread_reply_failed' }, 'thread reply failed; answering in place');
        }
      }
      await respond(respondArgs(answer));
    });
  };
}
