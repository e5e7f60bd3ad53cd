import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSlackToken } from '../src/cli/commands/doctor-slack.js';
import { buildConfig } from '../src/config/index.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';

/** `partnerdesk doctor` asks Slack (auth.test) whether the token works and whether the bot is in the manager channel. */
describe('doctor: Slack token', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });
  const config = () =>
    buildConfig({
      SLACK_BOT_TOKEN: 'xoxb-doctor',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: fake.apiUrl,
      SLACK_MANAGER_CHANNEL: 'C0MANAGERS',
    });

  it('a working token and a member bot pass', async () => {
    const checks = await checkSlackToken(config());
    expect(checks.map((c) => c.ok)).toEqual([true, true]);
    expect(checks[0]?.detail).toContain('auth.test ok');
    expect(fake.sent('auth.test')[0]?.token).toBe('xoxb-doctor');
  });

  it('a refused token is a problem naming the fix', async () => {
    fake.failWith('auth.test', 'invalid_auth');
    const [check] = await checkSlackToken(config());
    expect(check?.ok).toBe(false);
    expect(check?.detail).toContain('invalid_auth');
    expect(check?.fix).toContain('xoxb-');
  });
});
