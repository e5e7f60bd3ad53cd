import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackBot } from '../bots/slack/slack-bot.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { randomPrefix } from './helpers/relay-fixtures.js';
import { signedDirectMessage, signedSlashCommand } from './helpers/slack-signing.js';

const SECRET = 'oauth-signing-secret';

/** Multi-workspace: a partner installs the app into their workspace; requests from it use that workspace's token. */
describe.each(DB_FLAVORS)('Slack multi-workspace install on %s', (flavor) => {
  let fake: FakeSlack;
  let ctx: TestContext;
  let bot: SlackBot;
  beforeAll(async () => {
    fake = await startFakeSlack();
    ctx = await startTestApp(flavor, {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_CLIENT_ID: '1234.5678',
      SLACK_CLIENT_SECRET: 'client-secret-value',
      SLACK_STATE_SECRET: 'state-secret-value',
      SLACK_API_URL: fake.apiUrl,
      PUBLIC_URL: 'https://desk.example.com',
    });
    bot = createSlackBot(ctx.app, { mode: 'http', prefix: randomPrefix() });
    await bot.start();
  });
  afterAll(async () => {
    await bot?.stop();
    await ctx?.close();
    await fake?.close();
  });

  it('install page -> Slack consent -> redirect stores the workspace; its requests use its own token', async () => {
    const page = await fetch(`${ctx.baseUrl}/slack/install`, { redirect: 'manual' });
    expect([200, 302]).toContain(page.status);
    const cookie = page.headers.get('set-cookie') ?? '';
    const body = await page.text();
    const url =
      page.headers.get('location') ??
      /href="(https:\/\/slack\.com\/oauth[^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&') ??
      '';
    expect(url).toContain('slack.com/oauth/v2/authorize');
    const authorize = new URL(url);
    expect(authorize.searchParams.get('client_id')).toBe('1234.5678');
    expect(authorize.searchParams.get('scope')).toContain('commands');
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://desk.example.com/slack/oauth_redirect');
    const state = authorize.searchParams.get('state') ?? '';

    // Slack sends the browser back with a code; the state must match the cookie.
    const forged = await fetch(`${ctx.baseUrl}/slack/oauth_redirect?code=c1&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(await ctx.app.db('slack_installations')).toHaveLength(0);
    const back = await fetch(`${ctx.baseUrl}/slack/oauth_redirect?code=c1&state=${encodeURIComponent(state)}`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
      redirect: 'manual',
    });
    expect(back.status).toBeLessThan(400);
    const rows = await ctx.app.db('slack_installations');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.team_id).toBe('T0FAKE0001');
    const token = JSON.parse(String(rows[0]?.installation)).bot.token as string;
    expect(token).toMatch(/^xoxb-fake-/);
    expect(fake.sent('oauth.v2.access')[0]?.args['code']).toBe('c1');

    // A command from that workspace is answered; the DM upload would use the installed token.
    const res = await fetch(`${ctx.baseUrl}/slack/events`, {
      method: 'POST',
      ...signedSlashCommand(SECRET, { userId: 'U0INST0001', text: 'help', responseUrl: fake.responseUrl('inst-1') }),
    });
    expect(res.status).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.pathId === 'inst-1'));
    expect(String(fake.calls.find((c) => c.pathId === 'inst-1')?.args['text'])).toMatch(/link/i);
    await fetch(`${ctx.baseUrl}/slack/events`, {
      method: 'POST',
      ...signedDirectMessage(SECRET, { userId: 'U0INST0001', text: 'help', channel: 'D0INST0001' }),
    });
    await fake.waitFor((calls) =>
      calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'D0INST0001'),
    );
    expect(fake.calls.find((c) => c.method === 'chat.postMessage' && c.args['channel'] === 'D0INST0001')?.token).toBe(
      token,
    );
  });
});
