import { describe, expect, it } from 'vitest';
import { buildConfig } from './config.js';

describe('buildConfig', () => {
  it('has the defaults CONTRACT.md promises', () => {
    const c = buildConfig({});
    expect(c.database.client).toBe('sqlite');
    expect(c.database.client === 'sqlite' && c.database.filename.endsWith('data/partnerdesk.sqlite')).toBe(true);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.redisUrl).toBeUndefined();
    expect(c.telegram).toBeUndefined();
    expect(c.slack).toBeUndefined();
    expect(c.postbacks.allowPrivateNetworks).toBe(false);
    expect(c.logLevel).toBe('info');
  });

  it('selects PostgreSQL from DATABASE_URL and parses booleans', () => {
    const c = buildConfig({ DATABASE_URL: 'postgres://u:p@h/db', POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    expect(c.database).toEqual({ client: 'pg', url: 'postgres://u:p@h/db' });
    expect(c.postbacks.allowPrivateNetworks).toBe(true);
  });

  it('names each bad variable and the fix', () => {
    expect(() =>
      buildConfig({ DATABASE_URL: 'mysql://x', PORT: 'abc', POSTBACK_ALLOW_PRIVATE_NETWORKS: 'maybe' }),
    ).toThrow(
      /DATABASE_URL: must start with postgres:\/\/[\s\S]*PORT: must be a port number[\s\S]*POSTBACK_ALLOW_PRIVATE_NETWORKS: expected true or false/,
    );
    expect(() => buildConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('Slack multi-workspace: all three OAuth values or none, with the signing secret', () => {
    const c = buildConfig({
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'ss',
      SLACK_SIGNING_SECRET: 'sig',
    });
    expect(c.slack?.oauth).toEqual({ clientId: '1.2', clientSecret: 'cs', stateSecret: 'ss' });
    expect(c.slack?.botToken).toBeUndefined();
    expect(buildConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack?.oauth).toBeUndefined();
    expect(() => buildConfig({ SLACK_CLIENT_ID: '1.2', SLACK_SIGNING_SECRET: 'sig' })).toThrow(
      /SLACK_CLIENT_SECRET: is required[\s\S]*SLACK_STATE_SECRET: is required/,
    );
    expect(() => buildConfig({ SLACK_CLIENT_ID: '1', SLACK_CLIENT_SECRET: '2', SLACK_STATE_SECRET: '3' })).toThrow(
      /SLACK_SIGNING_SECRET/,
    );
  });
});
