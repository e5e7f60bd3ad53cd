import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillDimDaily } from '../migrations/20261124000004_daily_rollups.js';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { buildReport } from '../src/app/reports/build-report.js';
import { storeClickBatch } from '../src/db/repositories/click-batch.js';
import { foldAllRollupDeltas } from '../src/db/rollup-fold.js';
import { resolvePeriod } from '../src/domain/period.js';
import { makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { addClick, addClicks, addConversion } from './helpers/report-facts.js';

const H = 3_600_000;
const T = Date.UTC(2026, 10, 10); // 2026-11-10 00:00 UTC
const DAY = 'date_from=2026-11-10&date_to=2026-11-10';

describe.each(DB_FLAVORS)('report API on %s', (flavor) => {
  let ctx: TestContext;
  let a: number; // the partner most tests look at
  let b: number;
  let kolkata: number;
  let berlin: number;
  let alpha: number;
  let beta: number;
  let partnerKey: string;

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    const db = ctx.app.db;
    a = await makePartner(db, { name: 'Ana' });
    b = await makePartner(db, { name: 'Bo' });
    kolkata = await makePartner(db, { name: 'Kavya', timezone: 'Asia/Kolkata' });
    berlin = await makePartner(db, { name: 'Bernd', timezone: 'Europe/Berlin' });
    alpha = await makeCampaign(db, { name: 'Alpha' });
    beta = await makeCampaign(db, { name: 'Beta' });
    const [lp] = await db('landings')
      .insert({ campaign_id: alpha, name: 'Quiz LP', url: 'https://offer.example.com/quiz', is_default: false })
      .returning('id');
    const quiz = (lp as { id: number }).id;

    const de = await addClicks(db, 3, {
      partnerId: a,
      campaignId: alpha,
      landingId: quiz,
      country: 'DE',
      device: 'mobile',
      os: 'Android',
      sub1: 'fb',
      at: T + 10 * H,
    });
    const us = await addClicks(db, 2, {
      partnerId: a,
      campaignId: beta,
      country: 'US',
      sub1: '=HYPERLINK("x")',
      at: T + 12 * H,
    });
    await addClick(db, { partnerId: a, campaignId: alpha, country: 'FR', at: T + 23.5 * H }); // 00:30 in Berlin
    await addClick(db, { partnerId: a, campaignId: alpha, country: 'DE', at: T - H }); // 2026-11-09 23:00 UTC
    await addConversion(db, de[0]!, { type: 'Deposit', payout: 5000, revenue: 8000, at: T + 11 * H });
    await addConversion(db, de[1]!, { type: 'lead', status: 'declined', payout: 500, revenue: 700, at: T + 11 * H });
    await addConversion(db, us[0]!, { type: 'lead', status: 'pending', payout: 500, revenue: 700, at: T + 13 * H });

    const bClicks = await addClicks(db, 4, { partnerId: b, campaignId: alpha, country: 'DE', at: T + 9 * H });
    await addConversion(db, bClicks[0]!, { payout: 5000, revenue: 8000 });

    // 23:30 and 00:15 in India: one UTC hour, two local days.
    await addClick(db, { partnerId: kolkata, campaignId: alpha, country: 'IN', at: T + 18 * H });
    await addClick(db, { partnerId: kolkata, campaignId: alpha, country: 'IN', at: T + 18.75 * H });
    // The repeated 02:00 hour of 2026-10-25 in Berlin: 00:30 UTC and 01:30 UTC.
    await addClick(db, { partnerId: berlin, campaignId: alpha, at: Date.UTC(2026, 9, 25, 0, 30) });
    await addClick(db, { partnerId: berlin, campaignId: alpha, at: Date.UTC(2026, 9, 25, 1, 30) });

    partnerKey = (await createApiKey(ctx.app, { name: 'ana', role: 'partner', partnerId: a })).key;
  });
  afterAll(async () => ctx?.close());

  it('reports one partner by geo, with totals that are the sum of the rows', async () => {
    const res = await api(ctx, 'GET', `/api/v1/report?group=geo&partner_id=${a}&${DAY}`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({
      group: 'geo',
      timezone: 'UTC',
      currency: 'USD',
      date_from: '2026-11-10',
      date_to: '2026-11-10',
    });
    expect(body.from).toBe('2026-11-10T00:00:00.000Z');
    expect(body.to).toBe('2026-11-11T00:00:00.000Z');
    expect(body.source).toBe('rollup');
    expect(body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([
      ['DE', 3],
      ['US', 2],
      ['FR', 1],
    ]);
    expect(body.rows[0]).toMatchObject({
      conversions: 1,
      by_type: { Deposit: 1 },
      approved: 1,
      declined: 1,
      cr: 33.33,
      payout: '50.00',
      revenue: '80.00',
    });
    expect(body.rows[1]).toMatchObject({ conversions: 1, pending: 1, by_type: { lead: 1 }, payout: '5.00' });
    expect(body.totals).toMatchObject({
      clicks: 6,
      conversions: 2,
      approved: 1,
      pending: 1,
      declined: 1,
      payout: '55.00',
      revenue: '87.00',
      cost: '0.00',
      profit: '32.00',
      epc: '9.1667',
      roi: 58.18,
    });
    const sum = (k: string) => body.rows.reduce((s: number, r: Record<string, number>) => s + (r[k] ?? 0), 0);
    expect(sum('clicks')).toBe(body.totals.clicks);
    expect(sum('conversions')).toBe(body.totals.conversions);
  });

  it('labels campaigns and landings by name and applies filters', async () => {
    const byCampaign = await api(ctx, 'GET', `/api/v1/report?group=campaign&partner_id=${a}&${DAY}`);
    expect(byCampaign.body.rows.map((r: { label: string; clicks: number }) => [r.label, r.clicks])).toEqual([
      ['Alpha', 4],
      ['Beta', 2],
    ]);
    expect(byCampaign.body.rows[0].key).toBe(String(alpha));
    const byLanding = await api(ctx, 'GET', `/api/v1/report?group=landing&partner_id=${a}&${DAY}`);
    expect(byLanding.body.rows.map((r: { label: string; clicks: number }) => [r.label, r.clicks])).toEqual([
      ['(campaign default)', 3],
      ['Quiz LP', 3],
    ]);
    const betaOnly = await api(ctx, 'GET', `/api/v1/report?group=geo&partner_id=${a}&campaign_id=${beta}&${DAY}`);
    expect(betaOnly.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([['US', 2]]);
    const deOnly = await api(ctx, 'GET', `/api/v1/report?group=device&partner_id=${a}&country=de&${DAY}`);
    expect(deOnly.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([['mobile', 3]]);
    expect(deOnly.body.totals.payout).toBe('50.00');
  });

  it('groups by sub1 from the raw clicks', async () => {
    const res = await api(ctx, 'GET', `/api/v1/report?group=sub1&partner_id=${a}&${DAY}`);
    expect(res.body.source).toBe('raw');
    expect(res.body.rows.map((r: { label: string; clicks: number }) => [r.label, r.clicks])).toEqual([
      ['fb', 3],
      ['=HYPERLINK("x")', 2],
      ['(empty)', 1],
    ]);
    expect(res.body.totals).toMatchObject({ clicks: 6, conversions: 2, payout: '55.00' });
  });

  it('puts a 23:30 UTC click on the next day in Europe/Berlin', async () => {
    const utc = await api(
      ctx,
      'GET',
      `/api/v1/report?group=day&partner_id=${a}&date_from=2026-11-10&date_to=2026-11-11`,
    );
    expect(utc.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([
      ['2026-11-10', 6],
      ['2026-11-11', 0],
    ]);
    const berlinDays = await api(
      ctx,
      'GET',
      `/api/v1/report?group=day&partner_id=${a}&timezone=Europe/Berlin&date_from=2026-11-10&date_to=2026-11-11`,
    );
    expect(berlinDays.body.from).toBe('2026-11-09T23:00:00.000Z');
    expect(berlinDays.body.source).toBe('rollup');
    expect(berlinDays.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([
      ['2026-11-10', 6],
      ['2026-11-11', 1],
    ]);
  });

  it('merges the repeated autumn hour and uses the partner time zone by default', async () => {
    const res = await api(
      ctx,
      'GET',
      `/api/v1/report?group=hour&partner_id=${berlin}&date_from=2026-10-25`.concat('&date_to=2026-10-25'),
    );
    expect(res.body.timezone).toBe('Europe/Berlin');
    expect(res.body.rows).toHaveLength(24);
    const two = res.body.rows.find((r: { key: string }) => r.key === '2026-10-25 02:00');
    expect(two.clicks).toBe(2);
    expect(res.body.totals.clicks).toBe(2);
  });

  it('answers a +5:30 zone from the raw tables, matching the raw truth', async () => {
    const days = await api(
      ctx,
      'GET',
      `/api/v1/report?group=day&partner_id=${kolkata}&date_from=2026-11-10&date_to=2026-11-11`,
    );
    expect(days.body.timezone).toBe('Asia/Kolkata');
    expect(days.body.source).toBe('raw');
    // Both clicks share the UTC hour 18:00; an hourly rollup could not split them across days.
    expect(days.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([
      ['2026-11-10', 1],
      ['2026-11-11', 1],
    ]);
    const p = resolvePeriod('2026-11-11', 'Asia/Kolkata', T);
    const q = { partnerId: kolkata, group: 'geo' as const, from: p.from, to: p.to, timezone: 'Asia/Kolkata' };
    const mixed = await buildReport(ctx.app, q);
    const raw = await buildReport(ctx.app, { ...q, source: 'raw' });
    expect(mixed.source).toBe('mixed');
    expect(raw.source).toBe('raw');
    expect(mixed.rows).toEqual(raw.rows);
    expect(mixed.totals.clicks).toBe(1);
  });

  it('gives a partner key its own report only, without the operator figures', async () => {
    const own = await api(ctx, 'GET', `/api/v1/report?group=geo&${DAY}`, undefined, partnerKey);
    expect(own.status).toBe(200);
    expect(own.body.partner_id).toBe(a);
    expect(own.body.totals.clicks).toBe(6);
    expect(own.body.totals.payout).toBe('55.00');
    expect(own.body.totals).not.toHaveProperty('revenue');
    expect(own.body.totals).not.toHaveProperty('profit');
    expect(own.body.rows[0]).not.toHaveProperty('roi');
    const other = await api(ctx, 'GET', `/api/v1/report?group=geo&partner_id=${b}&${DAY}`, undefined, partnerKey);
    expect(other.status).toBe(403);
    expect(other.body.error.field).toBe('partner_id');
    const byPartner = await api(ctx, 'GET', `/api/v1/report?group=partner&${DAY}`, undefined, partnerKey);
    expect(byPartner.status).toBe(403);
    expect(byPartner.body.error.field).toBe('group');
  });

  it('lets an admin report across partners and group by partner', async () => {
    const res = await api(ctx, 'GET', `/api/v1/report?group=partner&${DAY}`);
    expect(res.status).toBe(200);
    expect(res.body.partner_id).toBeNull();
    expect(res.body.rows.map((r: { label: string; clicks: number }) => [r.label, r.clicks])).toEqual([
      ['Ana', 6],
      ['Bo', 4],
      ['Kavya', 2],
    ]);
    const geo = await api(ctx, 'GET', `/api/v1/report?group=geo&${DAY}`);
    expect(geo.body.rows[0]).toMatchObject({ key: 'DE', clicks: 7, conversions: 2 });
  });

  it('exports CSV with a totals line and guarded formulas', async () => {
    const res = await api(ctx, 'GET', `/api/v1/report?group=sub1&partner_id=${a}&${DAY}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report-sub1-2026-11-10-2026-11-10.csv"');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'key,Sub1,clicks,conversions,Deposit,lead,approved,pending,declined,cr_percent,epc,payout,payout_approved,revenue,cost,profit,roi_percent,currency',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe('fb,fb,3,1,1,0,1,0,1,33.33,16.6667,50.00,50.00,80.00,0.00,30.00,60,USD');
    expect(lines[2]?.startsWith(`"'=HYPERLINK(""x"")","'=HYPERLINK(""x"")",2,1`)).toBe(true);
    expect(lines[4]).toBe('total,Total,6,2,1,1,1,1,1,33.33,9.1667,55.00,50.00,87.00,0.00,32.00,58.18,USD');
  });

  it('refuses bad input naming the field', async () => {
    const cases: [string, number, string][] = [
      ['group=nope', 400, 'group'],
      ['group=geo&timezone=Mars/Olympus', 400, 'timezone'],
      ['group=geo&date_from=2026-13-01', 400, 'date_from'],
      ['group=geo&date_to=2026-11-01', 400, 'date_from'],
      ['group=geo&period=fortnight', 400, 'period'],
      ['group=geo&period=7d&date_from=2026-11-01', 400, 'period'],
      ['group=geo&date_from=2026-11-05&date_to=2026-11-01', 400, 'date_to'],
      ['group=geo&format=xlsx', 400, 'format'],
      ['group=geo&partner_id=abc', 400, 'partner_id'],
      ['group=geo&partner_id=999999', 404, 'partner_id'],
    ];
    for (const [qs, status, field] of cases) {
      const res = await api(ctx, 'GET', `/api/v1/report?${qs}`);
      expect([qs, res.status, res.body.error?.field]).toEqual([qs, status, field]);
    }
    const bad = await api(ctx, 'GET', '/api/v1/report?group=nope');
    expect(bad.body.error.message).toContain('campaign, landing, geo, device, os, day, hour, sub1');
    expect((await api(ctx, 'GET', '/api/v1/report', undefined, null)).status).toBe(401);
  });

  it('accepts period words and defaults to the last 7 days', async () => {
    const week = await api(ctx, 'GET', `/api/v1/report?group=day&partner_id=${a}`);
    expect(week.status).toBe(200);
    expect(week.body.rows).toHaveLength(7);
    const lastMonth = await api(ctx, 'GET', `/api/v1/report?group=geo&partner_id=${a}&period=last%20month`);
    expect(lastMonth.status).toBe(200);
    expect(lastMonth.body.period).toContain('last month');
  });

  it('refuses to add up partners paid in different currencies', async () => {
    await makePartner(ctx.app.db, { name: 'Eve', currency: 'EUR' });
    const mixed = await api(ctx, 'GET', `/api/v1/report?group=geo&${DAY}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error).toMatchObject({ code: 'mixed_currencies', field: 'currency' });
    const usd = await api(ctx, 'GET', `/api/v1/report?group=geo&${DAY}&currency=usd`);
    expect(usd.status).toBe(200);
    expect(usd.body.totals.clicks).toBe(12);
  });
});

/**
 * Reports that need no hour read whole UTC days from rollup_dim_daily and the edge hours from
 * rollup_dim_hourly. Whatever the period, they must give exactly what the raw tables give.
 */
describe.each(DB_FLAVORS)('daily rollups on %s', (flavor) => {
  let ctx: TestContext;
  let p: number;
  const start = Date.UTC(2026, 10, 1);
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    const db = ctx.app.db;
    p = await makePartner(db, { name: 'Dana', timezone: 'Europe/Berlin' });
    const other = await makePartner(db, { name: 'Olli' });
    const camps = [await makeCampaign(db, { name: 'Alpha' }), await makeCampaign(db, { name: 'Beta' })];
    const [lp] = await db('landings')
      .insert({ campaign_id: camps[0], name: 'LP', url: 'https://offer.example.com/lp', is_default: false })
      .returning('id');
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)] as T;
    const spec = () => ({
      partnerId: pick([p, p, p, other]),
      campaignId: pick(camps),
      landingId: pick([null, (lp as { id: number }).id]),
      country: pick(['DE', 'US', 'FR']),
      device: pick(['mobile', 'desktop']),
      os: pick(['Android', 'iOS', 'Windows']),
      at: start + rnd(12 * 24 * 60) * 60_000, // 12 days, any minute
    });
    for (let i = 0; i < 60; i++) {
      const c = await addClick(db, spec());
      const status = pick(['approved', 'pending', 'declined'] as const);
      if (i % 2 === 0) await addConversion(db, c, { type: pick(['Lead', 'Deposit']), status, at: c.at + rnd(48) * H });
    }
    // The tracking path: one batch (on SQLite one SQL script with its own upserts).
    await storeClickBatch(
      db,
      Array.from({ length: 40 }, (_, i) => {
        const s = spec();
        return {
          ...s,
          clickId: `batch${i}`,
          refId: null,
          ...{ sub1: null, sub2: null, sub3: null, sub4: null, sub5: null },
          browser: 'Chrome',
          ip: '203.0.113.0',
          userAgent: 'UA',
          createdAt: s.at,
        };
      }),
    );
  });
  afterAll(async () => ctx?.close());

  it('keeps rollup_dim_daily equal to rollup_dim_hourly summed per UTC day, as the backfill builds it', async () => {
    const db = ctx.app.db;
    await foldAllRollupDeltas(db); // PostgreSQL: the deltas still in rollup_deltas
    const daily = async () =>
      (await db('rollup_dim_daily').select().orderBy(['partner_id', 'dim', 'day', 'value', 'type_key'])).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)])),
      );
    const written = await daily();
    expect(written.filter((r) => r['dim'] === 'all').reduce((n, r) => n + Number(r['clicks']), 0)).toBe(100);
    await db('rollup_dim_daily').delete();
    await backfillDimDaily(db);
    expect(await daily()).toEqual(written);
  });

  const utc = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h, m);
  const periods: [string, number, number, string][] = [
    ['Berlin local days (edges at 23:00 UTC)', utc(2, 23), utc(9, 23), 'Europe/Berlin'],
    ['whole UTC days only', utc(1, 0), utc(13, 0), 'UTC'],
    ['whole hours, odd edges', utc(4, 5), utc(10, 17), 'UTC'],
    ['under a day', utc(5, 3), utc(5, 20), 'UTC'],
    ['exactly one day', utc(6, 0), utc(7, 0), 'UTC'],
    ['minutes at both ends', utc(3, 10, 30), utc(11, 22, 15), 'UTC'],
    ['Kolkata local days (+5:30)', utc(2, 18, 30), utc(8, 18, 30), 'Asia/Kolkata'],
  ];
  it.each(periods)('gives the raw rows for %s', async (_name, from, to, timezone) => {
    for (const group of ['campaign', 'landing', 'geo', 'device', 'os', 'partner', 'day'] as const) {
      const q = { partnerId: group === 'partner' ? undefined : p, group, from, to, timezone };
      const fast = await buildReport(ctx.app, q);
      const raw = await buildReport(ctx.app, { ...q, source: 'raw' });
      expect(fast.rows, group).toEqual(raw.rows);
      expect(fast.totals, group).toEqual(raw.totals);
      if (group !== 'day') expect(fast.source, group).not.toBe('raw');
    }
  });
});
