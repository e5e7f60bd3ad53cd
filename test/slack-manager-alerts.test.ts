import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerRender } from '../bots/slack/manager/render.js';
import { insertPartnerEvents, type PartnerEventKind } from '../src/db/repositories/partner-events.js';
import { createManagerChannel, createManagerWebClient } from '../src/jobs/manager/manager-channel.js';
import {
  type ManagerJobsOptions,
  type RunningManagerJobs,
  SUMMARY_SCHEDULER_ID,
  startManagerJobs,
} from '../src/jobs/manager/start.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';
import { makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { makePostback } from './helpers/manager-fixtures.js';
import { eventually } from './helpers/receiver.js';
import { randomPrefix } from './helpers/relay-fixtures.js';

const CHANNEL = 'CMGRALERTS';

describe.each(DB_FLAVORS)('manager alerts and summary (%s)', (flavor) => {
  let fake: FakeSlack;
  let ctx: TestContext;
  const jobs: RunningManagerJobs[] = [];
  const prefix = randomPrefix();

  const start = async (over: Partial<ManagerJobsOptions> = {}) => {
    const client = createManagerWebClient('xoxb-test', fake.apiUrl);
    const j = await startManagerJobs(ctx.app, {
      slack: createManagerChannel(client),
      render: managerRender,
      channel: CHANNEL,
      timezone: 'UTC',
      summaryHour: 9,
      prefix,
      pollMs: 50,
      schedule: false,
      ...over,
    });
    jobs.push(j);
    return j;
  };

  beforeAll(async () => {
    fake = await startFakeSlack();
    ctx = await startTestApp(flavor);
    await makeCampaign(ctx.app.db);
    await start();
  });
  afterAll(async () => {
    for (const j of jobs) await j.close();
    await ctx?.close();
    await fake?.close();
  });

  const posts = () => fake.sent('chat.postMessage').filter((c) => c.args['channel'] === CHANNEL);
  const postsAbout = (postbackId: number) =>
    posts().filter((c) => String(c.args['text']).includes(`postback #${postbackId} `));

  async function event(
    kind: PartnerEventKind,
    partnerId: number,
    postbackId: number,
    payload: Record<string, unknown> = {},
  ) {
    await insertPartnerEvents(ctx.app.db, [
      {
        kind,
        partnerId,
        postbackId,
        payload: { endpoint: 'https://hooks.partner.example:443', ...payload },
        at: Date.now(),
      },
    ]);
  }

  it('an incident is posted once; a worse state and the recovery are threaded under it', async () => {
    const partnerId = await makePartner(ctx.app.db, { name: 'Thread Media' });
    const pb = await makePostback(ctx.app.db, partnerId);
    await event('postback_failing', partnerId, pb, { reason: 'several attempts in a row failed' });
    await event('postback_failing', partnerId, pb, { reason: 'several attempts in a row failed' });
    await eventually(async () => postsAbout(pb).length === 1);
    const root = postsAbout(pb)[0];
    expect(root?.args['thread_ts']).toBeUndefined();
    expect(String(root?.args['text'])).toContain('Postback endpoint failing: Thread Media');
    const buttons = ((root?.args['blocks'] ?? []) as { type: string; elements?: { action_id: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .map((e) => e.action_id);
    expect(buttons).toEqual(['mgr:replay', 'mgr:mute', 'mgr:attempt']);

    await event('postback_failing', partnerId, pb, {
      reason: 'paused: most recent attempts failed',
      paused_until: Date.now() + 60_000,
    });
    await event('postback_recovered', partnerId, pb);
    await eventually(async () => postsAbout(pb).length === 3);
    const incident = await ctx.app.db('manager_incidents').where({ postback_id: pb }).first();
    expect(incident.state).toBe('closed');
    const [, paused, recovered] = postsAbout(pb);
    expect(paused?.args['thread_ts']).toBe(incident.thread_ts);
    expect(String(paused?.args['text'])).toContain('paused by the circuit breaker');
    expect(recovered?.args['thread_ts']).toBe(incident.thread_ts);
    expect(String(recovered?.args['text'])).toContain('recovered');
    // The first message now says the incident is over, so the channel shows it without opening the thread.
    await eventually(async () => fake.sent('chat.update').some((c) => c.args['ts'] === incident.thread_ts));
    const update = fake.sent('chat.update').find((c) => c.args['ts'] === incident.thread_ts);
    expect(String(update?.args['text'])).toMatch(/^Resolved: Thread Media postback #\d+ /);
    expect(update?.args['channel']).toBe(CHANNEL);

    // A new failure after recovery is a new incident, with a root of its own.
    await event('postback_failing', partnerId, pb);
    await eventually(async () => postsAbout(pb).length === 4);
    expect(postsAbout(pb)[3]?.args['thread_ts']).toBeUndefined();
  });

  it('two processes converting the same events post each alert once', async () => {
    await start();
    const partnerId = await makePartner(ctx.app.db, { name: 'Twice Co' });
    const pbs = [await makePostback(ctx.app.db, partnerId), await makePostback(ctx.app.db, partnerId)];
    for (const pb of pbs) await event('postback_failing', partnerId, pb);
    for (const pb of pbs)
      await event('postback_disabled', partnerId, pb, { reason: 'the endpoint answered 410 Gone', status: 410 });
    await Promise.all(jobs.map((j) => j.dispatch()));
    await eventually(async () => pbs.every((pb) => postsAbout(pb).length === 2));
    await new Promise((r) => setTimeout(r, 300));
    for (const pb of pbs) {
      const [first, second] = postsAbout(pb);
      expect(postsAbout(pb)).toHaveLength(2);
      expect(String(second?.args['text'])).toContain('Postback disabled (410 Gone)');
      expect(second?.args['thread_ts']).toBeDefined();
      expect(first?.args['thread_ts']).toBeUndefined();
    }
  });

  it('a 429 pauses for Retry-After and the alert is posted once afterwards', async () => {
    const partnerId = await makePartner(ctx.app.db, { name: 'Slow Down Ltd' });
    const pb = await makePostback(ctx.app.db, partnerId);
    fake.rateLimit('chat.postMessage', 1, 1);
    await event('postback_failing', partnerId, pb);
    await eventually(async () => postsAbout(pb).length === 1);
    const limited = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(postsAbout(pb)).toHaveLength(1);
    const row = await ctx.app
      .db('manager_alerts')
      .where({ dedupe_key: await lastEventKey() })
      .first();
    expect(row.state).toBe('sent');
    expect(Number(row.attempts)).toBe(0);
  });

  it('a channel the bot is not in makes the alert dead, with the reason kept', async () => {
    const partnerId = await makePartner(ctx.app.db, { name: 'Nowhere Inc' });
    const pb = await makePostback(ctx.app.db, partnerId);
    fake.failWith('chat.postMessage', 'not_in_channel', 1);
    await event('postback_failing', partnerId, pb);
    const row = await eventually(async () => {
      const r = await ctx.app
        .db('manager_alerts')
        .where({ dedupe_key: await lastEventKey() })
        .first();
      return r?.state === 'dead' ? r : null;
    });
    expect(String(row.last_error)).toContain('not_in_channel');
  });

  it('the daily summary is posted once for two ticks on two workers', async () => {
    const before = posts().filter((c) => String(c.args['text']).startsWith('Daily summary')).length;
    // The first post meets a 429: the day is given back, the job waits Retry-After and posts once.
    fake.rateLimit('chat.postMessage', 1, 1);
    await Promise.all([jobs[0]?.tickSummary(), jobs[1]?.tickSummary(), jobs[0]?.tickSummary()]);
    await eventually(
      async () => posts().filter((c) => String(c.args['text']).startsWith('Daily summary')).length > before,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const summaries = posts().filter((c) => String(c.args['text']).startsWith('Daily summary'));
    expect(summaries).toHaveLength(before + 1);
    const limited = fake.calls.filter((c) => c.status === 429 && String(c.args['text']).startsWith('Daily summary'));
    expect(limited).toHaveLength(1);
    const blocks = JSON.stringify(summaries.at(-1)?.args['blocks']);
    for (const word of ['Clicks', 'Conversions', 'Payout', 'Revenue', 'Profit', 'Top partners', 'Failing endpoints']) {
      expect(blocks).toContain(word);
    }
    const rows = await ctx.app.db('manager_summaries');
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('sent');
  });

  it("the summary runs on one BullMQ job scheduler at the managers' hour and zone, however many processes start", async () => {
    const a = await start({ schedule: true, timezone: 'Europe/Berlin', summaryHour: 7 });
    await start({ schedule: true, timezone: 'Europe/Berlin', summaryHour: 7 });
    expect(await a.queue.getJobSchedulersCount()).toBe(1);
    const s = await a.queue.getJobScheduler(SUMMARY_SCHEDULER_ID);
    expect(s).toMatchObject({ pattern: '0 7 * * *', tz: 'Europe/Berlin', name: 'summary' });
    // The next run is 07:00 Berlin time.
    const next = new Date(Number(s?.next));
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(berlin).toBe('07:00');
    await a.queue.removeJobScheduler(SUMMARY_SCHEDULER_ID);
  });

  async function lastEventKey() {
    const e = await ctx.app.db('partner_events').max('id as id').first();
    return `pe:${e?.id}`;
  }
});
