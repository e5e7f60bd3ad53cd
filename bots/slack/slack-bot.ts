import { type Authorize, App as BoltApp, webApi } from '@slack/bolt';
import type { SlackBinding } from '../../src/http/routes/slack-events.js';
import type { App } from '../../src/main/create-app.js';
import { createBotCore } from '../core/bot-core.js';
import type { ChatUser } from '../core/command.js';
import type { ChatSender } from '../core/notifications.js';
import type { Reply } from '../core/reply.js';
import type { ChatCore } from '../telegram/telegram-bot.js';
import { boltLogger } from './bolt-logger.js';
import type { Destination } from './deliver.js';
import { createEventDedup } from './event-dedup.js';
import { FastifyBoltReceiver } from './http-receiver.js';
import { createSlackOAuth } from './oauth.js';
import { type PartnerHandlers, registerPartnerHandlers, type SlashHandler } from './partner-handlers.js';
import { createSlackSender } from './slack-sender.js';
import type { WebClient } from './slack-types.js';
import { registerViews } from './views.js';

/** What an extension (the managers' side, bots/slack/manager/*) gets to plug into the running app. */
export interface SlackExtensionContext {
  app: App;
  /** The Bolt app: add listeners (`bolt.action(/^mgr:/...)`, `bolt.event(...)`); leave `/pd` and `pd:*` alone. */
  bolt: BoltApp;
  /** A client with the single-workspace bot token (the operator's workspace); null in multi-workspace only mode. */
  client: WebClient | null;
  /** Claims `/pd <name>`: the handler runs after the ack instead of the partner core. */
  registerSlashCommand(name: string, handler: SlashHandler): void;
}

export type SlackExtension = (ctx: SlackExtensionContext) => void | Promise<void>;

export interface SlackBotOptions {
  /** Default: the partner core over every command (bots/core). */
  core?: ChatCore;
  /** Known bot identity: with both, Bolt runs no auth.test at start (tests, a fixed token). */
  botId?: string;
  botUserId?: string;
  /** Default: Socket Mode when SLACK_APP_TOKEN is set, else HTTP at /slack/events. */
  mode?: 'http' | 'socket';
  /** Multi-workspace: token per team from the installation store (bots/slack/oauth.ts). */
  authorize?: Authorize<boolean>;
  oauth?: SlackBinding['oauth'];
  /** Redis key prefix of the event de-duplication (tests isolate themselves). */
  prefix?: string;
  /** Observes every answer before it is sent (tests count the calls to wait for; the bench times them). */
  onAnswered?: (user: ChatUser, replies: Reply[], dest: Destination) => void | Promise<void>;
}

export interface SlackBot {
  bolt: BoltApp;
  mode: 'http' | 'socket';
  /** Listeners for the partner side, exposed so Home and modals share the per-user ordering and delivery. */
  handlers: PartnerHandlers;
  /** The notification port for the outbox worker (src/jobs/notifications). */
  sender: ChatSender;
  registerExtension(fn: SlackExtension): Promise<void>;
  start(): Promise<void>;
  /** Stops taking requests, then waits for the replies already under way. */
  stop(): Promise<void>;
}

/** Slack's client wants the base URL with its trailing slash. */
const apiBase = (url: string | undefined) => (url ? (url.endsWith('/') ? url : `${url}/`) : undefined);

export function createSlackBot(app: App, opts: SlackBotOptions = {}): SlackBot {
  const cfg = app.config.slack;
  if (!cfg) throw new Error('the Slack bot needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_CLIENT_ID...)');
  const log = app.logger.child({ component: 'slack' });
  const mode = opts.mode ?? (cfg.appToken ? 'socket' : 'http');
  const receiver = mode === 'http' ? new FastifyBoltReceiver(log) : undefined;
  const clientOptions = {
    slackApiUrl: apiBase(cfg.apiUrl),
    // Interactive answers: a couple of quick retries, never Slack's default half hour of them.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  };
  // Multi-workspace: each request is authorised with the token its workspace installed us with.
  const oauth = cfg.oauth && !opts.authorize ? createSlackOAuth(app) : null;
  const authorize = opts.authorize ?? oauth?.authorize;
  const bolt = new BoltApp({
    ...(receiver ? { receiver } : { socketMode: true, appToken: cfg.appToken }),
    ...(authorize ? { authorize } : { token: cfg.botToken }),
    ...(opts.botId && opts.botUserId && !authorize ? { botId: opts.botId, botUserId: opts.botUserId } : {}),
    clientOptions,
    logger: boltLogger(log),
    convoStore: false,
  });
  const dedup = createEventDedup(app.redis, opts.prefix ?? 'pd', log);
  // Slack redelivers events it thinks we missed, maybe to another process: each event id is handled once.
  bolt.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await dedup.firstSeen(eventId))) {
      log.info({ event: 'slack.event_duplicate', eventId }, 'redelivered event ignored');
      return;
    }
    await next();
  });
  bolt.error(async (err) => {
    log.error({ err, event: 'slack.listener_failed' }, 'slack listener failed');
  });

  const slashCommands = new Map<string, SlashHandler>();
  const core = opts.core ?? createBotCore(app);
  const handlers = registerPartnerHandlers({ app, bolt, core, slashCommands, onAnswered: opts.onAnswered });
  registerViews({ app, bolt, core, handlers });
  // The operator's own workspace (manager channel) keeps its single token even when others install the app.
  const client = cfg.botToken ? (authorize ? new webApi.WebClient(cfg.botToken, clientOptions) : bolt.client) : null;
  const routes = opts.oauth ?? oauth?.routes;
  const binding: SlackBinding = receiver
    ? { handle: receiver.handle, ...(routes ? { oauth: routes } : {}) }
    : { handle: async () => ({ status: 404 }) };
  let detach: (() => void) | null = null;

  return {
    bolt,
    mode,
    handlers,
    sender: createSlackSender(
      app,
      oauth ? { tokenFor: async (team) => (await oauth.tokenFor(team)) ?? cfg.botToken } : {},
    ),
    async registerExtension(fn) {
      await fn({
        app,
        bolt,
        client,
        registerSlashCommand(name, handler) {
          slashCommands.set(name.toLowerCase(), handler);
        },
      });
    },
    async start() {
      if (receiver) detach = app.slackEvents.attach(binding);
      else await bolt.start();
      log.info(
        { event: 'slack.started', mode },
        `slack bot started (${mode === 'http' ? '/slack/events' : 'Socket Mode'})`,
      );
    },
    async stop() {
      detach?.();
      if (receiver) await receiver.stop();
      else await bolt.stop();
    },
  };
}
