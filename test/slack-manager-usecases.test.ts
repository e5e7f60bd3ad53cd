import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkChatDirectly } from '../src/app/chat/link-chat.js';
import { convertManagerEvents } from '../src/app/managers/manager-alert-events.js';
import { postDailySummaryOnce } from '../src/app/managers/manager-daily-summary.js';
import { listFailingEndpoints } from '../src/app/managers/manager-failing-endpoints.js';
import { getPartnerOverview } from '../src/app/managers/manager-partner-overview.js';
import { replayPostbackDeliveries } from '../src/app/managers/manager-replay-postback.js';
import { getTopPartners } from '../src/app/managers/manager-top-partners.js';
import { claimAlert, findUndispatchedAlerts, releaseStaleClaims } from '../src/db/repositories/manager-alerts.js';
import { insertPartnerEvents } from '../src/db/repositories/partner-events.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { convert, makeDelivery, makePostback } from './helpers/manager-fixtures.js';

describe.each(DB_FLAVORS)('manager use cases (%s)', (flavor) => {
  let ctx: TestContext;
  let campaignId: number;
  let big: number;
  let small: number;
  let failingPb: number;
  let deadIds: number[];

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    const db = ctx.app.db;
    campaignId = await makeCampaign(db);
    big = await makePartner(db, { name: 'Big Media', email: 'big@media.example' });
    small = await makePartner(db, { name: 'Small Blog', email: 'small@blog.example' });
    for (const p of [big, small]) await grantAccess(db, p, campaignId);
    const c1 = await convert(ctx, big, campaignId, 'b1');
    await convert(ctx, big, campaignId, 'b2');
    await convert(ctx, small, campaignId, 's1');
    await linkChatDirectly(ctx.app, { platform: 'slack', userId: 'UBIG', chatId: 'DBIG' }, big);
    failingPb = await makePostback(db, big, 'https://hooks.bigmedia.example/pb?c={clickid}');
    const okPb = await makePostback(db, small, 'https://ok.blog.example/pb?c={clickid}');
    await makeDelivery(db, { postbackId: okPb, partnerId: small, conversionId: c1, state: 'delivered', status: 200 });
    deadIds = [
      await makeDelivery(db, {
        postbackId: failingPb,
        partnerId: big,
        conversionId: c1,
        state: 'dead',
        status: 503,
        eventKey: 'a',
      }),
      await makeDelivery(db, {
        postbackId: failingPb,
        partnerId: big,
        conversionId: c1,
        state: 'dead',
        status: 503,
        eventKey: 'b',
      }),
    ];
    await makeDelivery(db, {
      postbackId: failingPb,
      partnerId: big,
      conversionId: c1,
      state: 'pending',
      status: 503,
      eventKey: 'c',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('looks a partner up by id and by e-mail: balance, 7-day figures, chats, postback health', async () => {
    const byId = await getPartnerOverview(ctx.app, String(big));
    const byEmail = await getPartnerOverview(ctx.app, 'BIG@media.example');
    expect(byEmail.partner.id).toBe(big);
    expect(byId.partner.name).toBe('Big Media');
    expect(byId.current.conversions).toBe(2);
    expect(byId.current.payout).toBe(10_000);
    expect(byId.balance.available).toBe(10_000);
    expect(byId.chats.map((c) => `${c.platform}:${c.userId}`)).toEqual(['slack:UBIG']);
    expect(byId.postbacks).toHaveLength(1);
    expect(byId.postbacks[0]).toMatchObject({ health: 'failing', endpoint: 'https://hooks.bigmedia.example:443' });
    expect(byId.postbacks[0]?.counts).toMatchObject({ dead: 2, pending: 1, retrying: 1 });
  });

  it('an unknown partner or a bad reference says what works', async () => {
    await expect(getPartnerOverview(ctx.app, '999999')).rejects.toThrow('no partner with id 999999');
    await expect(getPartnerOverview(ctx.app, 'nobody@nowhere.example')).rejects.toThrow('no partner with e-mail');
    await expect(getPartnerOverview(ctx.app, 'bob')).rejects.toThrow('name a partner by id or e-mail');
  });

  it('top partners are ordered by payout', async () => {
    const top = await getTopPartners(ctx.app, { periodText: '7d', timezone: 'UTC' });
    const rows = top.groups[0]?.rows ?? [];
    expect(rows.map((r) => r.label)).toEqual(['Big Media', 'Small Blog']);
    expect(rows[0]?.payout).toBe(10_000);
  });

  it('failing endpoints name the partner, the endpoint and the last error', async () => {
    const failing = await listFailingEndpoints(ctx.app, async () => ({ open: true, until: Date.now() + 60_000 }));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({
      postbackId: failingPb,
      partnerName: 'Big Media',
      state: 'paused',
      retrying: 1,
      dead: 2,
      lastAttempt: { statusCode: 503 },
    });
  });

  it('replay puts the dead deliveries back, keeping their ids (the {postback_id} macro)', async () => {
    const r = await replayPostbackDeliveries(ctx.app, String(failingPb));
    expect(r.count).toBe(2);
    const rows = await ctx.app.db('postback_deliveries').whereIn('id', deadIds).orderBy('id');
    expect(rows.map((d) => [Number(d.id), d.state, Number(d.attempts)])).toEqual(
      deadIds.map((id) => [id, 'pending', 0]),
    );
    await expect(replayPostbackDeliveries(ctx.app, 'abc')).rejects.toThrow();
  });

  it('an alert is claimed by one worker; a claim left by a dead worker goes back to pending', async () => {
    await insertPartnerEvents(ctx.app.db, [
      { kind: 'postback_failing', partnerId: small, postbackId: failingPb + 1000, payload: {}, at: Date.now() },
    ]);
    expect(await convertManagerEvents(ctx.app)).toBe(1);
    expect(await convertManagerEvents(ctx.app)).toBe(0);
    const [id] = await findUndispatchedAlerts(ctx.app.db, Date.now(), 10);
    expect(id).toBeDefined();
    const claims = await Promise.all([
      claimAlert(ctx.app.db, Number(id), Date.now()),
      claimAlert(ctx.app.db, Number(id), Date.now()),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await releaseStaleClaims(ctx.app.db, Date.now() - 60_000)).toBe(0);
    expect(await releaseStaleClaims(ctx.app.db, Date.now() + 1)).toBe(1);
    expect((await ctx.app.db('manager_alerts').where({ id }).first()).state).toBe('pending');
  });

  it('the daily summary of a day is posted once, however many ticks', async () => {
    const posts: string[] = [];
    const post = async (s: { day: string }) => {
      posts.push(s.day);
      return { ts: '1.1' };
    };
    const opts = { timezone: 'UTC', channel: 'CMGR' };
    const [a, b] = await Promise.all([
      postDailySummaryOnce(ctx.app, opts, post),
      postDailySummaryOnce(ctx.app, opts, post),
    ]);
    const again = await postDailySummaryOnce(ctx.app, opts, post);
    expect([a.posted, b.posted].filter(Boolean)).toHaveLength(1);
    expect(again.posted).toBe(false);
    expect(posts).toHaveLength(1);
  });
});
