import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManagerChannel } from '../src/cli/commands/doctor-slack-manager.js';
import { buildConfig } from '../src/config/index.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';

describe('doctor: the manager channel', () => {
  let fake: FakeSlack;
  const config = (env: Record<string, string> = {}) =>
    buildConfig({
      SLACK_BOT_TOKEN: 'xoxb-doctor',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: fake.apiUrl,
      SLACK_MANAGER_CHANNEL: 'CMGR00001',
      ...env,
    });

  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('passes when the bot is in the channel (conversations.info)', async () => {
    const c = await checkManagerChannel(config({ SLACK_MANAGER_USERS: 'U0BOSS001' }));
    expect(c).toMatchObject({ ok: true, detail: 'bot is in CMGR00001; 1 listed manager(s)' });
    expect(fake.sent('conversations.info').at(-1)?.args['channel']).toBe('CMGR00001');
  });

  it('says how to invite the bot when Slack does not show it the channel', async () => {
    fake.failWith('conversations.info', 'channel_not_found');
    const c = await checkManagerChannel(config());
    expect(c.ok).toBe(false);
    expect(c.detail).toContain('CMGR00001: channel_not_found');
    expect(c.fix).toContain('/invite @partnerdesk');
  });

  it('refuses a channel name or user names where ids belong, and is quiet when unset', async () => {
    expect((await checkManagerChannel(config({ SLACK_MANAGER_CHANNEL: '#managers' }))).fix).toContain('use the id');
    expect((await checkManagerChannel(config({ SLACK_MANAGER_USERS: 'bob,U0BOSS001' }))).detail).toContain('"bob"');
    const off = await checkManagerChannel(buildConfig({}));
    expect(off.ok).toBe(true);
    expect(off.detail).toContain('SLACK_MANAGER_CHANNEL unset');
  });

  it('SLACK_MANAGER_TIMEZONE and SLACK_MANAGER_SUMMARY_HOUR default to UTC and 9, and are checked', () => {
    expect(config().slack).toMatchObject({ managerTimezone: 'UTC', managerSummaryHour: 9 });
    expect(config({ SLACK_MANAGER_TIMEZONE: 'Europe/Berlin', SLACK_MANAGER_SUMMARY_HOUR: '7' }).slack).toMatchObject({
      managerTimezone: 'Europe/Berlin',
      managerSummaryHour: 7,
    });
    expect(() => config({ SLACK_MANAGER_TIMEZONE: 'Mars/Base' })).toThrow(
      /SLACK_MANAGER_TIMEZONE: must be an IANA time zone/,
    );
    expect(() => config({ SLACK_MANAGER_SUMMARY_HOUR: '24' })).toThrow(
      /SLACK_MANAGER_SUMMARY_HOUR: must be an hour from 0 to 23/,
    );
  });
});
