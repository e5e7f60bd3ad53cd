import type { App as BoltApp, RespondFn, SlashCommand } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { App } from '../../src/main/create-app.js';
import type { ChatUser } from '../core/command.js';
import type { Reply } from '../core/reply.js';
import type { ChatCore } from '../telegram/telegram-bot.js';
import { type Destination, deliver, dmDestination, responseUrlDestination } from './deliver.js';
import { ACTION_PREFIX } from './render-blocks.js';
import type { WebClient } from './slack-types.js';

/**
 * Partners in Slack: `/pd <command> [args]` anywhere (acknowledged first, answered through `response_url` as
 * an ephemeral message) and plain `<command> [args]` in the DM with the app, both through the same core as
 * Telegram. Button presses under a message run the core's action. Work for one user runs one request at a
 * time, so answers arrive in the order they were asked.
 */

export const FRIENDLY_ERROR =
  'Sorry, something went wrong on our side and I could not answer that. Please try again in a minute; ' +
  'if it keeps happening, tell your partner manager.';

/** A `/pd` subcommand owned by an extension (the managers' side); it runs after the ack. */
export type SlashHandler = (args: {
  command: SlashCommand;
  respond: RespondFn;
  client: WebClient;
  /** The text after the subcommand name. */
  args: string;
}) => Promise<void>;

/** Identity of a Slack user for the core: user ids are per workspace, so the team is part of the key. */
export function slackChatUser(teamId: string, userId: string, name?: string): ChatUser {
  const key = `${teamId}:${userId}`;
  return { platform: 'slack', userId: key, chatId: key, ...(name ? { name } : {}) };
}

/** "T1:U2" -> { teamId: "T1", userId: "U2" }. */
export function splitSlackKey(key: string): { teamId: string; userId: string } {
  const i = key.indexOf(':');
  return { teamId: key.slice(0, i), userId: key.slice(i + 1) };
}

export interface PartnerHandlersOptions {
  app: App;
  bolt: BoltApp;
  core: ChatCore;
  /** `/pd` subcommands claimed by extensions, by lower-cased name. */
  slashCommands: Map<string, SlashHandler>;
  /** Called with what was answered (tests count calls; the bench times replies). */
  onAnswered?: (user: ChatUser, replies: Reply[], dest: Destination) => void | Promise<void>;
}

export interface PartnerHandlers {
  /** Runs `work` after the earlier work of the same user. */
  perUser(key: string, work: () => Promise<void>): Promise<void>;
  /** The DM channel id of a user (conversations.open, cached). */
  dmOf(client: WebClient, teamId: string, userId: string): Promise<string>;
  /** Runs the core for a user and delivers the replies to `dest`, with an apology when anything fails. */
  answer(user: ChatUser, client: WebClient, dest: Destination, produce: () => Promise<Reply[]>): Promise<void>;
}

export function registerPartnerHandlers(opts: PartnerHandlersOptions): PartnerHandlers {
  const { app, bolt, core, slashCommands } = opts;
  const log = app.logger.child({ component: 'slack' });
  const dms = new LRUCache<string, string>({ max: 50_000 });
  const chains = new Map<string, Promise<void>>();

  const perUser = (key: string, work: () => Promise<void>): Promise<void> => {
    const next = (chains.get(key) ?? Promise.resolve()).then(work).catch((err) => {
      log.error({ err, event: 'slack.request_failed' }, 'slack request failed');
    });
    chains.set(key, next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
    return next;
  };

  const dmOf = async (client: WebClient, teamId: string, userId: string): Promise<string> => {
    const key = `${teamId}:${userId}`;
    const known = dms.get(key);
    if (known) return known;
    const res = await client.conversations.open({ users: userId });
    const id = res.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    dms.set(key, id);
    return id;
  };

  const answer: PartnerHandlers['answer'] = async (user, client, dest, produce) => {
    try {
      const replies = await produce();
      await opts.onAnswered?.(user, replies, dest);
      await deliver(client, replies, dest, log);
    } catch (err) {
      // Whatever broke, the partner gets a plain apology, never a stack trace; the log gets the details.
      log.error({ err, event: 'slack.answer_failed' }, 'slack answer failed');
      await dest
        .post({ text: FRIENDLY_ERROR, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: FRIENDLY_ERROR } }] })
        .catch((e) => log.error({ err: e, event: 'slack.send_failed' }, 'could not send apology'));
    }
  };

  bolt.command('/pd', async ({ command, ack, respond, client }) => {
    await ack();
    const text = command.text.trim();
    const [first = '', ...rest] = text.split(/\s+/);
    const ext = slashCommands.get(first.toLowerCase());
    if (ext) {
      await ext({ command, respond, client, args: rest.join(' ') });
      return;
    }
    const user = slackChatUser(command.team_id, command.user_id, command.user_name);
    const dest = responseUrlDestination(
      respond,
      () => dmOf(client, command.team_id, command.user_id),
      command.channel_id,
    );
    // The slash marks it as a command, so it runs even in the middle of a guided flow.
    await perUser(user.userId, () => answer(user, client, dest, () => core.handleText(user, `/${text || 'help'}`)));
  });

  bolt.event('message', async ({ event, client, body }) => {
    // Only what a person types in the DM with the app; edits, joins and bot messages have a subtype or bot_id.
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    const text = 'text' in event && typeof event.text === 'string' ? event.text : '';
    const teamId = String((body as { team_id?: string }).team_id ?? '');
    const userId = 'user' in event && typeof event.user === 'string' ? event.user : '';
    if (!teamId || !userId) return;
    const user = slackChatUser(teamId, userId);
    const dest = dmDestination(client, event.channel);
    await perUser(user.userId, () => answer(user, client, dest, () => core.handleText(user, text)));
  });

  bolt.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action, respond, client }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !action.value) return;
    if (body.container?.type === 'view') return; // Home and modals: bots/slack/views.ts
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const user = slackChatUser(teamId, body.user.id);
    const channelId: string | undefined = body.channel?.id ?? body.container?.channel_id;
    const ephemeral = Boolean(body.container?.is_ephemeral);
    const dest =
      !ephemeral && channelId?.startsWith('D')
        ? dmDestination(client, channelId)
        : responseUrlDestination(respond, () => dmOf(client, teamId, body.user.id), channelId);
    const value = action.value;
    await perUser(user.userId, () => answer(user, client, dest, () => core.handleAction(user, value)));
  });

  // Link buttons open in the browser, but Slack still sends the click: acknowledge it so no warning shows.
  bolt.action(/^pd:u:/, async ({ ack }) => {
    await ack();
  });

  return { perUser, dmOf, answer };
}
