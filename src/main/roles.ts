import type { ChatSender } from '../app/chat/chat-sender.js';
import type { App } from './create-app.js';

/**
 * The roles a process can run, each a small factory over the parts the root built. A CLI verb picks some
 * (`start`: all; `api`, `worker`, `bots`: one each, for scale-out); adding a role (Slack, the digest
 * pipeline) is one entry here. Each factory loads its own modules when it starts, so a `worker` never loads
 * Fastify or telegraf and `--help` loads none of them.
 */
export interface RoleContext {
  app: App;
  /** Notification senders of the chat roles started in this process (the Slack role adds its own). */
  senders: ChatSender[];
}

export interface RunningRole {
  /** Stops taking work and finishes what is in flight. */
  stop(): Promise<void>;
  /** For the banner: where it listens, when it does. */
  url?: string;
}

export type RoleFactory = (ctx: RoleContext) => Promise<RunningRole>;

export const ROLES = {
  /** Tracking, S2S postback, /api/v1, docs, health, webhooks. */
  async http({ app }) {
    const { buildServer } = await import('../http/server.js');
    const server = await buildServer(app);
    await server.listen({ host: app.config.http.host, port: app.config.http.port });
    const addr = server.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : app.config.http.port;
    const host = app.config.http.host.includes(':') ? `[${app.config.http.host}]` : app.config.http.host;
    return { url: `http://${host}:${port}`, stop: () => server.close() };
  },
  /** The postback relay: BullMQ worker, outbox dispatcher, reconciler. */
  async relay({ app }) {
    const { startWorker } = await import('../jobs/worker.js');
    const worker = await startWorker(app);
    return { stop: () => worker.stop() };
  },
  /**
   * Folds the report rollups' deltas into the rollup tables (PostgreSQL; nothing to do on SQLite). Every
   * process that writes facts runs one, so no deployment shape leaves deltas unfolded; an advisory lock lets
   * one fold at a time.
   */
  async rollups({ app }) {
    const { startRollupFolder } = await import('../jobs/rollup-folder.js');
    const folder = startRollupFolder(app.db, app.logger);
    return { stop: () => folder.stop() };
  },
  /** E-mail digests: the hourly tick (a BullMQ job scheduler), the rate-limited sender, the reconciler. */
  async digests({ app }) {
    const { startDigestWorker } = await import('../jobs/digests/start.js');
    const digests = await startDigestWorker(app);
    return { stop: () => digests.close() };
  },
  /** Chat notifications, sent through every chat platform configured (they need the bots' tokens). */
  async notifications({ app, senders }) {
    const { startNotifications } = await import('../jobs/notifications/start.js');
    const running = await startNotifications(app, [...(await chatSenders(app)), ...senders]);
    return { stop: () => running.close() };
  },
  /** The chat bots: Telegram (long polling, or webhook through the http role's route). */
  async bots({ app }) {
    const [{ createBotCore }, { startTelegramBot }] = await Promise.all([
      import('../../bots/core/bot-core.js'),
      import('../../bots/telegram/telegram-bot.js'),
    ]);
    const telegram = await startTelegramBot(app, createBotCore(app));
    return { stop: () => telegram.stop() };
  },
  /**
   * The Slack app (bots/slack): HTTP events through the http role's /slack/events, or Socket Mode with
   * SLACK_APP_TOKEN; the managers' commands and buttons are registered on it. Its notification sender joins
   * the notifications role of this process.
   */
  async slack({ app, senders }) {
    const [{ createSlackBot }, { managerExtension }] = await Promise.all([
      import('../../bots/slack/slack-bot.js'),
      import('../../bots/slack/manager/register.js'),
    ]);
    const slack = createSlackBot(app);
    await slack.registerExtension(managerExtension());
    await slack.start();
    senders.push(slack.sender);
    return { stop: () => slack.stop() };
  },
  /** The managers' channel: alerts per incident and the daily summary (when SLACK_MANAGER_CHANNEL is set). */
  async managers({ app }) {
    const { startManagerChannel } = await import('../../bots/slack/manager/start-manager-channel.js');
    const jobs = await startManagerChannel(app);
    return { stop: async () => jobs?.close() };
  },
} satisfies Record<string, RoleFactory>;

export type RoleName = keyof typeof ROLES;

/** One sender per chat platform with a token (the Slack role adds its own through RoleContext.senders). */
async function chatSenders(app: App) {
  const senders = [];
  if (app.config.telegram) {
    const { createTelegramSender } = await import('../../bots/telegram/telegram-sender.js');
    senders.push(createTelegramSender(app));
  }
  return senders;
}
