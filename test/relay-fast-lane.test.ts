import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePostback } from '../src/app/save-postback.js';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

/**
 * The fast lane (app/delivery-handoff.ts, jobs/fresh-lane.ts): a conversion recorded by the process that
 * also runs the relay is sent by that process straight after commit, without a BullMQ job; whatever the lane
 * cannot take goes the dispatcher's way; a claimed delivery whose process never sent it is re-sent by the
 * reconciler. The macros themselves are covered by relay.test.ts, which now runs through this lane too.
 */
describe.each(DB_FLAVORS)('relay fast lane on %s', (flavor) => {
  let ctx: TestContext;
  let rx: Receiver;
  let relay: RunningRelay | null = null;
  let n = 0;

  beforeAll(async () => {
    ctx = await startTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await relay?.close();
    await rx?.close();
    await ctx?.close();
  });

  async function partnerWithPostback() {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    n += 1;
    const path = `/fast${n}`;
    const pb = await savePostback(
      ctx.app,
      { partnerId: null },
      { partner_id: partnerId, url: `${rx.url}${path}?id={postback_id}&tx={txid}` },
    );
    return { partnerId, campaignId, path, postbackId: pb.id };
  }
  const deliveries = (postbackId: number) => ctx.app.db('postback_deliveries').where({ postback_id: postbackId });

  it('sends a fresh conversion from the recording process at once, without a queue job', async () => {
    relay = await startRelay(ctx.app, { prefix: randomPrefix(), dispatchPollMs: 50 });
    const s = await partnerWithPostback();
    const click = await makeRichClick(ctx.app.db, s.partnerId, s.campaignId);
    const res = await api(ctx, 'GET', `/postback?clickid=${click}&type=lead&txid=F1`, undefined, null);
    expect(res.status, res.text).toBe(200);
    const [got] = await rx.waitFor(s.path, 1);
    const [row] = await deliveries(s.postbackId);
    expect(got?.query.get('id')).toBe(String(row.id));
    expect(got?.query.get('tx')).toBe('F1');
    const done = await eventually(async () => {
      const [d] = await deliveries(s.postbackId);
      return d?.state === 'delivered' ? d : null;
    });
    expect(done).toMatchObject({ attempts: 1, last_status: 200 });
    // Claimed at commit (the dispatcher never paged it) and never put on the queue.
    expect(Number(done.queued_at)).toBeGreaterThan(0);
    const counts = await relay.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await relay.close();
    relay = null;
  });

  it('hands what it cannot take to the dispatcher: a big upload is delivered once each', async () => {
    // concurrency 2 -> at most 16 deliveries in the lane at once; the rest go through BullMQ.
    relay = await startRelay(ctx.app, { prefix: randomPrefix(), dispatchPollMs: 50, concurrency: 2 });
    const s = await partnerWithPostback();
    const clicks = await Promise.all(
      Array.from({ length: 60 }, () => makeRichClick(ctx.app.db, s.partnerId, s.campaignId)),
    );
    const res = await api(
      ctx,
      'POST',
      '/api/v1/conversions',
      clicks.map((c, i) => ({ clickid: c, type: 'lead', txid: `U${i}` })),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.created).toBe(60);
    const got = await rx.waitFor(s.path, 60);
    expect(new Set(got.map((r) => r.query.get('tx'))).size).toBe(60);
    const rows = await eventually(async () => {
      const all = await deliveries(s.postbackId);
      return all.every((d) => d.state === 'delivered') ? all : null;
    });
    expect(rows).toHaveLength(60);
    expect(rows.every((d) => Number(d.attempts) === 1)).toBe(true);
    await relay.close();
    relay = null;
    expect(rx.on(s.path)).toHaveLength(60);
  });

  it('a lane with room for only part of a batch claims that part; the rest is left to the dispatcher', async () => {
    const s = await partnerWithPostback();
    // A second postback, so one conversion makes two delivery rows.
    await savePostback(
      ctx.app,
      { partnerId: null },
      { partner_id: s.partnerId, url: `${rx.url}/second?id={postback_id}` },
    );
    const taken: number[] = [];
    const detach = ctx.app.deliveryHandoff.attach({
      reserve: (k) => Math.min(k, 1),
      release: () => {},
      deliver: (rows) => taken.push(...rows.map((r) => r.id)),
    });
    const click = await makeRichClick(ctx.app.db, s.partnerId, s.campaignId);
    const res = await api(ctx, 'GET', `/postback?clickid=${click}&type=lead&txid=PART`, undefined, null);
    detach();
    expect(res.status, res.text).toBe(200);
    const rows = await ctx.app
      .db('postback_deliveries')
      .join('conversions', 'conversions.id', 'postback_deliveries.conversion_id')
      .where('conversions.txid', 'PART')
      .select('postback_deliveries.id', 'postback_deliveries.queued_at');
    expect(rows).toHaveLength(2);
    const claimed = rows.filter((r) => Number(r.queued_at) > 0).map((r) => Number(r.id));
    expect(claimed).toEqual(taken);
    expect(rows.filter((r) => Number(r.queued_at) === 0)).toHaveLength(1);
  });

  it('a claimed delivery its process never sent (it died) is sent by the reconciler', async () => {
    const s = await partnerWithPostback();
    // A lane that claims and then "dies" before sending: the row commits claimed and nobody sends it.
    const detach = ctx.app.deliveryHandoff.attach({ reserve: (k) => k, release: () => {}, deliver: () => {} });
    const click = await makeRichClick(ctx.app.db, s.partnerId, s.campaignId);
    const res = await api(ctx, 'GET', `/postback?clickid=${click}&type=lead&txid=LOST`, undefined, null);
    expect(res.status, res.text).toBe(200);
    detach();
    const [lost] = await deliveries(s.postbackId);
    expect(lost).toMatchObject({ state: 'pending', attempts: 0 });
    expect(Number(lost.queued_at)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 400));

    relay = await startRelay(ctx.app, {
      prefix: randomPrefix(),
      dispatchPollMs: 50,
      reconcileIntervalMs: 200,
      reconcileGraceMs: 300,
    });
    const [got] = await rx.waitFor(s.path, 1);
    expect(got?.query.get('id')).toBe(String(lost.id));
    await eventually(async () => {
      const [d] = await deliveries(s.postbackId);
      return d?.state === 'delivered';
    });
  });
});
