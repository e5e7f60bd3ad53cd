import { describe, expect, it } from 'vitest';
import { checkManagerChannel } from '../src/cli/commands/doctor-slack-manager.js';
import { buildConfig } from '../src/config/index.js';

describe('doctor: the manager channel settings', () => {
  const config = (env: Record<string, string> = {}) =>
    buildConfig({
      SLACK_BOT_TOKEN: 'xoxb-doctor',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_MANAGER_CHANNEL: 'CMGR00001',
      ...env,
    });

  it('names the channel, who may run commands and when the summary goes out', () => {
    expect(checkManagerChannel(config({ SLACK_MANAGER_USERS: 'U0BOSS001' }))).toMatchObject({
      ok: true,
      detail: 'channel CMGR00001; 1 listed manager(s); daily summary at 09:00 UTC',
    });
    expect(
      checkManagerChannel(config({ SLACK_MANAGER_TIMEZONE: 'Europe/Berlin', SLACK_MANAGER_SUMMARY_HOUR: '7' })).detail,
    ).toBe(
      'channel CMGR00001; every member of the channel may run manager commands; daily summary at 07:00 Europe/Berlin',
    );
  });

  it('refuses a channel name or user names where ids belong, and is quiet when unset', () => {
    const named = checkManagerChannel(config({ SLACK_MANAGER_CHANNEL: '#managers' }));
    expect(named.ok).toBe(false);
    expect(named.fix).toContain('use the id');
    expect(checkManagerChannel(config({ SLACK_MANAGER_USERS: 'bob,U0BOSS001' })).detail).toContain('"bob"');
    const off = checkManagerChannel(buildConfig({}));
    expect(off.ok).toBe(true);
    expect(off.detail).toContain('SLACK_MANAGER_CHANNEL unset');
  });

  it('SLACK_MANAGER_TIMEZONE and SLACK_MANAGER_SUMMARY_HOUR default to UTC and 9, and are checked', () => {
    expect(config().slack).toMatchObject({ managerTimezone: 'UTC', managerSummaryHour: 9 });
    expect(() => config({ SLACK_MANAGER_TIMEZONE: 'Mars/Base' })).toThrow(
      /SLACK_MANAGER_TIMEZONE: must be an IANA time zone/,
    );
    expect(() => config({ SLACK_MANAGER_SUMMARY_HOUR: '24' })).toThrow(
      /SLACK_MANAGER_SUMMARY_HOUR: must be an hour from 0 to 23/,
    );
  });
});
