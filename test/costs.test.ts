import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { buildReport } from '../src/app/reports/build-report.js';
import { makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { addClick, addClicks } from './helpers/report-facts.js';

const H = 3_600_000;
const T = Date.UTC(2026, 10, 10);
const DAY = { time_from: '2026-11-10 00:00:00', time_to: '2026-11-11 00:00:00' };

describe.each(DB_FLAVORS)('costs API on %s', (flavor) => {
  let ctx: TestContext;
  let p1: number;
  let p2: number;
  let campaign: number;

  const costsOf = async (where: Record<string, unknown> = {}) =>
    (
      await ctx.app
        .db('clicks')
        .where({ campaign_id: campaign, ...where })
        .orderBy('id')
        .select('cost')
    ).map((r) => Number(r.cost));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  /** The report's cost (rollups) for a partner, checked against the raw clicks on the way. */
  const reportedCost = async (partnerId?: number) => {
    const q = { partnerId, group: 'geo' as const, from: T, to: T + 48 * H, timezone: 'UTC' };
    const fromRollups = await buildReport(ctx.app, q);
    const fromClicks = await buildReport(ctx.app, { ...q, source: 'raw' });
    expect(fromRollups.rows).toEqual(fromClicks.rows);
    return fromRollups.totals.cost;
  };

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    const db = ctx.app.db;
    p1 = await makePartner(db);
    p2 = await makePartner(db);
    campaign = await makeCampaign(db, { currency: 'USD' });
    await addClicks(db, 3, { partnerId: p1, campaignId: campaign, country: 'DE', at: T + 1 * H });
    await addClicks(db, 2, { partnerId: p2, campaignId: campaign, country: 'DE', at: T + 1 * H + 60_000 });
    await addClicks(db, 2, { partnerId: p1, campaignId: campaign, country: 'US', sub1: 'fb', at: T + 2 * H });
    await addClick(db, { partnerId: p1, campaignId: campaign, country: 'US', at: T + 30 * H }); // the next day
  });
  afterAll(async () => ctx?.close());

  it('spreads a cost over the clicks of the period, in integer shares that add up exactly', async () => {
    const res = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      ...DAY,
      cost: '10.00',
      currency: 'USD',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      clicks: 7,
      amount: '10.00',
      currency: 'USD',
      previous_amount: '0.00',
    });
    expect(typeof res.body.cost_id).toBe('number');
    const costs = await costsOf();
    expect(sum(costs)).toBe(1000);
    expect(costs.slice(0, 7).every((c) => c === 142 || c === 143)).toBe(true);
    expect(costs[7]).toBe(0); // outside [time_from, time_to)
    expect(await reportedCost()).toBe(1000);
  });

  it('replaces the cost of a slice when it is sent again, instead of adding', async () => {
    const again = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      ...DAY,
      cost: '10',
      currency: 'usd',
    });
    expect(again.body).toMatchObject({ clicks: 7, amount: '10.00', previous_amount: '10.00' });
    expect(await reportedCost()).toBe(1000);
    const lower = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      ...DAY,
      cost: '4,00',
      currency: 'USD',
    });
    expect(lower.body).toMatchObject({ amount: '4.00', previous_amount: '10.00' });
    expect(sum(await costsOf())).toBe(400);
    expect(await reportedCost()).toBe(400);
    expect(await ctx.app.db('costs').count({ n: '*' }).first()).toMatchObject({ n: 3 });
  });

  it('narrows to a partner, a country or a sub value; a narrower slice overrides the wider one on its clicks', async () => {
    const before = await reportedCost(p1);
    const res = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: String(campaign),
      ...DAY,
      cost: 1,
      currency: 'USD',
      partner_id: p2,
    });
    expect(res.body).toMatchObject({ clicks: 2, amount: '1.00' });
    expect(await costsOf({ partner_id: p2 })).toEqual([50, 50]);
    expect(await reportedCost(p2)).toBe(100);
    expect(await reportedCost(p1)).toBe(before);

    const sub = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      time_from: '2026-11-10T00:00:00Z',
      time_to: '2026-11-11T01:00:00+01:00',
      cost: '0.03',
      currency: 'USD',
      sub_name: 'sub1',
      sub_value: 'fb',
    });
    expect(sub.body).toMatchObject({ clicks: 2, amount: '0.03' });
    expect(await costsOf({ sub1: 'fb' })).toEqual([2, 1]);

    const de = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      ...DAY,
      cost: '5.00',
      currency: 'USD',
      country_code: 'de',
    });
    expect(de.body).toMatchObject({ clicks: 5, amount: '5.00' });
    expect(sum(await costsOf({ country: 'DE' }))).toBe(500);
    expect(await reportedCost()).toBe(500 + 3);
  });

  it('refuses a slice without clicks with 409 and writes nothing', async () => {
    const costsBefore = await ctx.app.db('costs').count({ n: '*' }).first();
    const clicksBefore = await costsOf();
    const res = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: campaign,
      time_from: '2026-10-01 00:00:00',
      time_to: '2026-10-02 00:00:00',
      cost: '3.00',
      currency: 'USD',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_clicks_in_slice');
    expect(res.body.error.message).toContain('nothing was written');
    expect(await ctx.app.db('costs').count({ n: '*' }).first()).toEqual(costsBefore);
    expect(await costsOf()).toEqual(clicksBefore);
  });

  it('refuses bad input naming the field, and partner keys', async () => {
    const ok = { campaign_id: campaign, ...DAY, cost: '1.00', currency: 'USD' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...ok, currency: 'EUR' }, 400, 'currency'],
      [{ ...ok, cost: 'abc' }, 400, 'cost'],
      [{ ...ok, cost: '-1' }, 400, 'cost'],
      [{ ...ok, time_from: 'yesterday' }, 400, 'time_from'],
      [{ ...ok, time_to: '2026-11-09 00:00:00' }, 400, 'time_to'],
      [{ ...ok, sub_name: 'sub1' }, 400, 'sub_value'],
      [{ ...ok, sub_name: 'sub9', sub_value: 'x' }, 400, 'sub_name'],
      [{ ...ok, country_code: 'Germany' }, 400, 'country_code'],
      [{ ...ok, campaign_id: 999999 }, 404, 'campaign_id'],
      [{ ...ok, partner_id: 999999 }, 404, 'partner_id'],
      [{ cost: '1.00' }, 400, 'campaign_id'],
    ];
    for (const [body, status, field] of cases) {
      const res = await api(ctx, 'POST', '/api/v1/costs', body);
      expect([JSON.stringify(body), res.status, res.body.error?.field]).toEqual([JSON.stringify(body), status, field]);
    }
    const { key } = await createApiKey(ctx.app, { name: 'p', role: 'partner', partnerId: p1 });
    expect((await api(ctx, 'POST', '/api/v1/costs', ok, key)).status).toBe(403);
  });
});
