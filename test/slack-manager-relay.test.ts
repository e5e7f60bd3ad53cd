import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerCommands } from '../bots/slack/manager/manager-commands.js';
import { managerRender } from '../bots/slack/manager/render.js';
import { createManagerGate } from '../src/app/managers/manager-authorize.js';
import { createManagerChannel, createManagerWebClient } from '../src/jobs/manager/manager-channel.js';
import { type RunningManagerJobs, startManagerJobs } from '../src/jobs/manager/start.js';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

const CHANNEL = 'CMGRRELAY1';

/** The whole path: the real relay fails against a real endpoint, the manager channel hears about it. */
describe.each(DB_FLAVORS)('manager alerts from the real relay (%s)', (flavor) => {
  let ctx: TestContext;
  let relay: RunningRelay;
  let jobs: RunningManagerJobs;
  let rx: Receiver;
  let fake: FakeSlack;
  let paths = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
    ctx = await startTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    rx = await startReceiver();
    const prefix = randomPrefix();
    relay = await startRelay(ctx.app, {
      prefix,
      retrySchedule: [0, 300, 300, 300],
      timeoutMs: 3000,
      dispatchPollMs: 50,
      breaker: { failingStreak: 3 },
    });
    jobs = await startManagerJobs(ctx.app, {
      slack: createManagerChannel(createManagerWebClient('xoxb-test', fake.apiUrl)),
      render: managerRender,
      channel: CHANNEL,
      timezone: 'UTC',
      summaryHour: 9,
      prefix,
      pollMs: 50,
      schedule: false,
    });
  });
  afterAll(async () => {
    await jobs?.close();
    await relay?.close();
    await rx?.close();
    await ctx?.close();
    await fake?.close();
  });

  async function setup() {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    const path = `/pb${++paths}`;
    const res = await api(ctx, 'POST', '/api/v1/postbacks', {
      partner_id: partnerId,
      url: `${rx.url}${path}?id={postback_id}`,
    });
    expect(res.status, res.text).toBe(201);
    return { partnerId, campaignId, path, postbackId: res.body.id as number };
  }
  async function convert(s: { partnerId: number; campaignId: number }) {
    const click = await makeRichClick(ctx.app.db, s.partnerId, s.campaignId);
    const res = await api(
      ctx,
      'GET',
      `/postback?clickid=${click}&txid=T-${click.slice(0, 6)}&type=Deposit`,
      undefined,
      null,
    );
    expect(res.status, res.text).toBe(200);
  }
  const postsAbout = (postbackId: number) =>
    fake.sent('chat.postMessage').filter((c) => String(c.args['text']).includes(`postback #${postbackId} `));

  it('a failing streak opens an incident; the recovery is threaded under it', async () => {
    const s = await setup();
    rx.script(s.path, [503, 503, 503, 200]);
    await convert(s);
    await eventually(async () => postsAbout(s.postbackId).length === 2, 20_000);
    const [root, recovered] = postsAbout(s.postbackId);
    expect(String(root?.args['text'])).toContain('Postback endpoint failing');
    expect(root?.args['thread_ts']).toBeUndefined();
    expect(String(recovered?.args['text'])).toContain('recovered');
    const incident = await ctx.app.db('manager_incidents').where({ postback_id: s.postbackId }).first();
    expect(recovered?.args['thread_ts']).toBe(incident.thread_ts);
  });

  it('410 Gone: one "disabled" alert, without a replay button', async () => {
    const s = await setup();
    rx.script(s.path, [410]);
    await convert(s);
    await eventually(async () => postsAbout(s.postbackId).length === 1, 20_000);
    const root = postsAbout(s.postbackId)[0];
    expect(String(root?.args['text'])).toContain('Postback disabled (410 Gone)');
    expect(JSON.stringify(root?.args['blocks'])).not.toContain('mgr:replay');
  });

  it('replay from the channel sends the dead delivery again with the same {postback_id}', async () => {
    const s = await setup();
    rx.script(s.path, [404, 404, 200]);
    await convert(s);
    await eventually(async () => {
      const d = await ctx.app.db('postback_deliveries').where({ postback_id: s.postbackId }).first();
      return d?.state === 'dead';
    }, 20_000);
    const first = rx.on(s.path)[0]?.query.get('id');
    const commands = createManagerCommands(
      ctx.app,
      createManagerGate({ channel: CHANNEL, users: ['UBOSS1'] }, async () => []),
      {
        timezone: 'UTC',
      },
    );
    const a = await commands.action({
      userId: 'UBOSS1',
      channelId: CHANNEL,
      actionId: 'mgr:replay',
      value: String(s.postbackId),
    });
    expect(a.message.text).toContain('replayed 1 dead deliveries');
    const got = await rx.waitFor(s.path, 3);
    expect(got[2]?.query.get('id')).toBe(first);
  });
});
