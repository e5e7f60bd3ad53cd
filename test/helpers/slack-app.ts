import { randomBytes } from 'node:crypto';
import { createSlackBot, type SlackBot, type SlackBotOptions } from '../../bots/slack/slack-bot.js';
import { FAKE_SLACK_BOT, type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type DbFlavor, startTestApp, type TestContext } from './harness.js';
import type { SignedRequest } from './slack-signing.js';

export const SLACK_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SlackTestApp {
  ctx: TestContext;
  fake: FakeSlack;
  bot: SlackBot;
  secret: string;
  /** POSTs a signed request to the real server's /slack/events. */
  post(req: SignedRequest): Promise<{ status: number; text: string; ms: number }>;
  close(): Promise<void>;
}

/**
 * The real app and HTTP server with the Slack bot in HTTP mode, its Web API client pointed at a fake Slack
 * on loopback, and the bot identity given so no auth.test runs at start.
 */
export async function startSlackTestApp(
  flavor: DbFlavor,
  env: Record<string, string> = {},
  opts: SlackBotOptions = {},
): Promise<SlackTestApp> {
  const fake = await startFakeSlack();
  const ctx = await startTestApp(flavor, {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: fake.apiUrl,
    ...env,
  });
  const bot = createSlackBot(ctx.app, {
    botId: FAKE_SLACK_BOT.botId,
    botUserId: FAKE_SLACK_BOT.botUserId,
    mode: 'http',
    prefix: `t${randomBytes(4).toString('hex')}`,
    ...opts,
  });
  await bot.start();
  return {
    ctx,
    fake,
    bot,
    secret: SLACK_SECRET,
    async post(req) {
      const t0 = performance.now();
      const res = await fetch(`${ctx.baseUrl}/slack/events`, { method: 'POST', headers: req.headers, body: req.body });
      const text = await res.text();
      return { status: res.status, text, ms: performance.now() - t0 };
    },
    async close() {
      await bot.stop();
      await ctx.close();
      await fake.close();
    },
  };
}
