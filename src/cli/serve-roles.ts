import { findTrackingExample, isDatabaseEmpty } from '../app/admin/start-summary.js';
import { seedDemo } from '../app/demo/seed-demo.js';
import { loadConfig } from '../config/index.js';
import { chartThreadsFor } from '../main/chart-threads.js';
import type { App } from '../main/create-app.js';
import type { RunningRole } from '../main/roles.js';
import { createRoot, type Root } from '../main/root.js';
import { type BannerInfo, describeUrlHost, renderBanner, shortPath } from './banner.js';
import { UsageError } from './cli-error.js';
import type { Roles } from './commands/run.js';
import { createDemoKey, readDemoKey } from './demo-key.js';

/**
 * Runs the given roles in this process until SIGINT/SIGTERM, over one composition root (src/main): local
 * Redis (when REDIS_URL is unset), the app (migrated), demo seed, then the roles. Shutdown runs in reverse,
 * so queued clicks and conversions are committed before the database closes and Redis stops last.
 */
export async function serveRoles(roles: Roles, waitForSignal: () => Promise<NodeJS.Signals>): Promise<void> {
  const config = loadConfig();
  if (roles.bots && !roles.http && !roles.worker && !config.telegram && !config.slack) {
    throw new UsageError(
      'no bot to run: set TELEGRAM_BOT_TOKEN (the token @BotFather gave you) or SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET in the environment or .env',
    );
  }
  // A Telegram webhook arrives over HTTP, so the bots role listens too in webhook mode; and any process that
  // serves HTTP in webhook mode runs the bot, or its webhook route would have nobody to hand updates to.
  const webhook = Boolean(config.telegram?.webhookSecret);
  // Slack's HTTP events arrive at /slack/events, so the same rule holds for Slack outside Socket Mode.
  const slackHttp = Boolean(config.slack) && !config.slack?.appToken;
  const http = roles.http || (roles.bots && (webhook || slackHttp));
  const runTelegram = Boolean(config.telegram) && (roles.bots || (http && webhook));
  const runSlack = Boolean(config.slack) && (roles.bots || (http && slackHttp));
  // Reports and balances are read by the HTTP API and the bots; a worker-only process needs no read pool, and
  // leaves a core to its event loop rather than to a second chart thread.
  const servesChat = http || runTelegram || runSlack;
  const root: Root = await createRoot(config, {
    readPool: servesChat,
    chartThreads: chartThreadsFor(config, servesChat),
  });
  const { app, localRedis } = root;
  let server: RunningRole | null = null;
  try {
    const { seeded, demoKey } = await seedIfEmpty(app, roles.seed, http);
    // Started first, stopped last: the fold runs wherever facts are written (api) or jobs run (worker).
    if (roles.worker || http) await root.start('rollups');
    // The relay first and HTTP before the bots: stopped in reverse, the bots go first (a webhook bot needs
    // HTTP while it runs) and the relay last, after HTTP took its final conversions.
    if (roles.worker) {
      await root.start('relay');
      await root.start('digests');
      // The managers' alerts and daily summary are jobs too (nothing runs without SLACK_MANAGER_CHANNEL).
      if (config.slack) await root.start('managers');
    }
    if (http) server = await root.start('http');
    if (runTelegram) await root.start('bots');
    if (runSlack) await root.start('slack');
    if (runTelegram || runSlack) {
      // Chat notifications need the bots' tokens, so they run where the bots run.
      await root.start('notifications');
    }

    const redis = localRedis
      ? `${localRedis.reused ? 'shared local server' : 'started by partnerdesk'} at ${localRedis.describe} (data in ${shortPath(`${config.dataDir}/redis`)})`
      : `REDIS_URL ${describeUrlHost(config.redisUrl ?? '')}`;
    console.log(
      renderBanner(
        {
          config,
          httpUrl: server?.url ?? null,
          redis,
          worker: roles.worker,
          bots: runTelegram || runSlack,
          demoKey,
          seeded,
          example: http ? await findTrackingExample(app) : null,
        },
        app.now(),
      ),
    );
  } catch (err) {
    await root.close();
    throw err;
  }
  const sig = await waitForSignal();
  const parts = [
    server && 'HTTP',
    roles.worker && 'worker',
    runTelegram && 'Telegram bot',
    runSlack && 'Slack bot',
    'database',
    localRedis && !localRedis.reused && 'local Redis',
  ];
  console.log(`\n${sig}: shutting down (${parts.filter(Boolean).join(', ')})...`);
  await root.close();
  console.log('Stopped.');
}

/** Demo data into an empty embedded database (SEED_DEMO decides too), and the demo key to show. */
async function seedIfEmpty(
  app: App,
  seed: boolean,
  http: boolean,
): Promise<{ seeded: BannerInfo['seeded']; demoKey: string | null }> {
  const embedded = app.config.database.client === 'sqlite';
  if (seed && embedded && app.config.seedDemo && (await isDatabaseEmpty(app))) {
    console.log('Empty database: seeding demo data (set SEED_DEMO=false to skip)...');
    const s = await seedDemo(app, { now: app.now() });
    return { seeded: { ...s, seconds: s.ms / 1000 }, demoKey: await createDemoKey(app, app.config.dataDir) };
  }
  return { seeded: null, demoKey: http ? await readDemoKey(app, app.config.dataDir) : null };
}
