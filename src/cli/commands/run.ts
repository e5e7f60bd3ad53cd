import type { Command } from 'commander';
import { createBotCore } from '../../../bots/core/bot-core.js';
// --- slack manager wiring (moves to src/main with the composition root) ---
import { managerExtension } from '../../../bots/slack/manager/register.js';
import { startManagerChannel } from '../../../bots/slack/manager/start-manager-channel.js';
// --- slack wiring (moves to src/main with the composition root) ---
import { createSlackBot, type SlackBot } from '../../../bots/slack/slack-bot.js';
import { type RunningTelegramBot, startTelegramBot } from '../../../bots/telegram/telegram-bot.js';
import { createTelegramSender } from '../../../bots/telegram/telegram-sender.js';
import { type App, createApp } from '../../app/create-app.js';
import { seedDemo } from '../../app/seed-demo.js';
import { loadConfig } from '../../config/index.js';
import { findTrackingExample } from '../../db/repositories/campaigns.js';
import { countPartners } from '../../db/repositories/partners.js';
import { buildServer } from '../../http/server.js';
import { type LocalRedis, startLocalRedis } from '../../infra/local-redis.js';
import { createLogger } from '../../infra/logger.js';
import type { RunningManagerJobs } from '../../jobs/manager/start.js';
import { type RunningNotifications, startNotifications } from '../../jobs/notifications/start.js';
import { type RunningWorker, startWorker } from '../../jobs/worker.js';
import { closeRenderPool, configureRenderPool } from '../../mail/charts/index.js';
import { type BannerInfo, describeUrlHost, renderBanner, shortPath } from '../banner.js';
import { UsageError } from '../cli-error.js';
import { createDemoKey, readDemoKey } from '../demo-key.js';

interface Roles {
  http: boolean;
  worker: boolean;
  /** Chat bots (Telegram when TELEGRAM_BOT_TOKEN is set). */
  bots: boolean;
  /** Seed demo data into an empty embedded database (SEED_DEMO decides too). */
  seed: boolean;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second Ctrl-C while shutting down means "now": skip the graceful part. One arriving within a second
      // is the same Ctrl-C passed on by a wrapper (timeout, a supervisor) and is ignored, as is a second
      // SIGTERM (a supervisor and our heap-cap parent may both send one): neither may cut the shutdown short.
      const first = Date.now();
      process.on('SIGINT', () => {
        if (Date.now() - first > 1000) process.exit(130);
      });
      process.on('SIGTERM', () => {});
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Runs the given roles in this process until SIGINT/SIGTERM: local Redis (when REDIS_URL is unset), the app
 * (migrated), demo seed, HTTP server, worker. Shutdown runs in reverse, so queued clicks and conversions are
 * committed before the database closes and Redis stops last.
 */
export async function serve(roles: Roles): Promise<void> {
  const config = loadConfig();
  if (roles.bots && !roles.http && !roles.worker && !config.telegram && !config.slack) {
    throw new UsageError(
      'no bot to run: set TELEGRAM_BOT_TOKEN (the token @BotFather gave you) or SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET in the environment or .env',
    );
  }
  // A Telegram webhook arrives over HTTP, so the bots role listens too in webhook mode; and any process that
  // serves HTTP in webhook mode runs the bot, or its webhook route would have nobody to hand updates to.
  const webhook = Boolean(config.telegram?.webhookSecret);
  // --- slack wiring: Slack's HTTP events arrive at /slack/events, so the same rule holds as for the webhook.
  const slackHttp = Boolean(config.slack) && !config.slack?.appToken;
  const http = roles.http || (roles.bots && (webhook || slackHttp));
  const runTelegram = Boolean(config.telegram) && (roles.bots || (http && webhook));
  const runSlack = Boolean(config.slack) && (roles.bots || (http && slackHttp));
  const logger = createLogger(config.logLevel);
  configureRenderPool({ logger: logger.child({ component: 'charts' }) });
  let localRedis: LocalRedis | null = null;
  let app: App | null = null;
  let server: Awaited<ReturnType<typeof buildServer>> | null = null;
  let worker: RunningWorker | null = null;
  let telegram: RunningTelegramBot | null = null;
  let notifications: RunningNotifications | null = null;
  let slack: SlackBot | null = null;
  let managerJobs: RunningManagerJobs | null = null; // --- slack manager wiring
  const shutdown = async () => {
    await telegram?.stop().catch((err) => logger.warn({ err }, 'telegram bot stop failed'));
    await slack?.stop().catch((err) => logger.warn({ err }, 'slack bot stop failed'));
    await managerJobs?.close().catch((err) => logger.warn({ err }, 'slack manager jobs stop failed'));
    await notifications?.close().catch((err) => logger.warn({ err }, 'notifications stop failed'));
    await server?.close().catch((err) => logger.warn({ err }, 'http close failed'));
    await worker?.stop().catch((err) => logger.warn({ err }, 'worker stop failed'));
    await closeRenderPool().catch((err) => logger.warn({ err }, 'chart render pool close failed'));
    await app?.close().catch((err) => logger.warn({ err }, 'app close failed'));
    await localRedis?.stop().catch((err) => logger.warn({ err }, 'local redis stop failed'));
  };
  try {
    if (!config.redisUrl) localRedis = await startLocalRedis({ dataDir: config.dataDir, logger });
    app = await createApp(config, {
      logger,
      redis: config.redisUrl ?? localRedis?.redisOptions ?? null,
      // Reports and balances are read by the HTTP API and the bots; a worker-only process needs no read pool.
      readPool: http || runTelegram || runSlack,
    });
    const running = app;

    let seeded: BannerInfo['seeded'] = null;
    let demoKey: string | null = null;
    const embedded = config.database.client === 'sqlite';
    if (roles.seed && embedded && config.seedDemo && (await countPartners(running.db)) === 0) {
      console.log('Empty database: seeding demo data (set SEED_DEMO=false to skip)...');
      const s = await seedDemo(running, { now: running.now() });
      seeded = { ...s, seconds: s.ms / 1000 };
      demoKey = await createDemoKey(running, config.dataDir);
    } else if (http) {
      demoKey = await readDemoKey(running, config.dataDir);
    }

    let httpUrl: string | null = null;
    if (http) {
      server = await buildServer(running);
      await server.listen({ host: config.http.host, port: config.http.port });
      const addr = server.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
      const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
      httpUrl = `http://${host}:${port}`;
    }
    if (roles.worker) worker = await startWorker(running);
    // --- slack manager wiring: alerts and the daily summary run with the worker role.
    if (roles.worker) managerJobs = await startManagerChannel(running);
    if (runTelegram) telegram = await startTelegramBot(running, createBotCore(running));
    if (runSlack) {
      slack = createSlackBot(running);
      await slack.registerExtension(managerExtension()); // --- slack manager wiring: /pd manager words, mgr:* buttons
      await slack.start();
    }
    // Chat notifications need the bots' tokens, so they run where the bots run.
    const senders = [...(telegram ? [createTelegramSender(running)] : []), ...(slack ? [slack.sender] : [])];
    if (senders.length) notifications = await startNotifications(running, senders);

    const redis = localRedis
      ? `${localRedis.reused ? 'shared local server' : 'started by partnerdesk'} at ${localRedis.describe} (data in ${shortPath(`${config.dataDir}/redis`)})`
      : `REDIS_URL ${describeUrlHost(config.redisUrl ?? '')}`;
    console.log(
      renderBanner(
        {
          config,
          httpUrl,
          redis,
          worker: roles.worker,
          demoKey,
          seeded,
          example: http ? await findTrackingExample(running.db) : null,
        },
        running.now(),
      ),
    );
  } catch (err) {
    await shutdown();
    throw err;
  }
  const sig = await waitForSignal();
  const parts = [
    server && 'HTTP',
    worker && 'worker',
    telegram && 'Telegram bot',
    slack && 'Slack bot',
    'database',
    localRedis && !localRedis.reused && 'local Redis',
  ];
  console.log(`\n${sig}: shutting down (${parts.filter(Boolean).join(', ')})...`);
  await shutdown();
  console.log('Stopped.');
}

export function registerRunCommands(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: HTTP API + tracking, worker; seeds demo data on an empty embedded DB')
    .action(() => serve({ http: true, worker: true, bots: true, seed: true }));
  program
    .command('api')
    .description('run only the HTTP role (tracking, postback, API, docs); for scale-out')
    .action(() => serve({ http: true, worker: false, bots: false, seed: false }));
  program
    .command('worker')
    .description(
      'run only the worker role: postback relay (dispatcher, BullMQ worker, reconciler); scales out on PostgreSQL + Redis',
    )
    .action(() => serve({ http: false, worker: true, bots: false, seed: false }));
  program
    .command('bots')
    .description(
      'run only the chat bots role: Telegram long polling (one process only) or webhook, Slack (HTTP events at /slack/events, which listens on HTTP, or Socket Mode with SLACK_APP_TOKEN)',
    )
    .action(() => serve({ http: false, worker: false, bots: true, seed: false }));
}
