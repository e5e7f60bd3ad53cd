import { describe, expect, it } from 'vitest';
import { chartThreadsFor } from '../main/chart-threads.js';
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

  it('CHART_THREADS: a whole number 1-16, else a message naming it; unset, each role picks', () => {
    expect(buildConfig({ CHART_THREADS: '3' }).chartThreads).toBe(3);
    expect(() => buildConfig({ CHART_THREADS: '0' })).toThrow(/CHART_THREADS: must be at least 1/);
    expect(() => buildConfig({ CHART_THREADS: '1.5' })).toThrow(/CHART_THREADS: must be a whole number/);
    const unset = buildConfig({});
    expect(chartThreadsFor(unset, true)).toBeUndefined(); // the pool's default where chats are answered
    expect(chartThreadsFor(unset, false)).toBeGreaterThanOrEqual(1);
    expect(chartThreadsFor(unset, false)).toBeLessThanOrEqual(2);
    expect(chartThreadsFor(buildConfig({ CHART_THREADS: '4' }), false)).toBe(4);
  });
});
