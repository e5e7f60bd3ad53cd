import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportQuery } from '../src/app/reports/build-report.js';
import { storeClickBatch } from '../src/db/repositories/click-batch.js';
import type { NewClick } from '../src/db/repositories/clicks.js';
import { foldAllRollupDeltas, foldRollupDeltas, pendingRollupDeltas } from '../src/db/rollup-fold.js';
import type { ReportGroup } from '../src/domain/report-dimensions.js';
import { createLogger } from '../src/infra/logger.js';
import { startRollupFolder } from '../src/jobs/rollup-folder.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

/**
 * On PostgreSQL facts append their rollup deltas to rollup_deltas and a fold job moves them into the rollup
 * tables later (issue 13: two api processes waited on each other's rollup row locks). Reports must not
 * notice: whatever has been folded, every report equals the one read from the raw clicks and conversions.
 * On SQLite the deltas go straight into the rollups, and the same checks hold.
 */
const H = 3_600_000;
const DAY = 86_400_000;
const GROUPS: ReportGroup[] = ['campaign', 'landing', 'geo', 'device', 'os', 'partner', 'day', 'hour'];

describe.each(DB_FLAVORS)('rollup deltas on %s', (flavor) => {
  let ctx: TestContext;
  let db: Knex;
  let p1: number;
  let p2: number;
  let alpha: number;
  let beta: number;
  let lp: number;
  let seed = 11;
  const rnd = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const pick = <T>(xs: T[]) => xs[rnd(xs.length)] as T;
  const dayStart = Math.floor(Date.now() / DAY) * DAY;
  let clickSeq = 0;

  /** Clicks through the tracking path's writer, spread over the last three days; returns their click ids. */
  async function clicks(n: number, over: Partial<NewClick> = {}): Promise<string[]> {
    const rows: NewClick[] = Array.from({ length: n }, () => {
      const campaignId = pick([alpha, alpha, beta]);
      clickSeq += 1;
      return {
        clickId: `rd${flavor}${clickSeq}`,
        partnerId: pick([p1, p1, p2]),
        campaignId,
        landingId: campaignId === alpha ? pick([null, lp]) : null,
        refId: null,
        ...{ sub1: null, sub2: null, sub3: null, sub4: null, sub5: null },
        country: pick(['DE', 'US', 'FR']),
        device: pick(['mobile', 'desktop']),
        os: pick(['Android', 'iOS', 'Windows']),
        browser: 'Chrome',
        ip: '203.0.113.0',
        userAgent: 'UA',
        createdAt: Date.now() - rnd(3 * 24 * 60) * 60_000,
        ...over,
      };
    });
    await storeClickBatch(db, rows);
    return rows.map((r) => r.clickId);
  }

  /** Every report shape the engine answers from the rollups, each checked against the raw tables. */
  async function expectReportsExact(): Promise<void> {
    const to = Math.ceil((Date.now() + 1) / H) * H + H;
    const periods = [
      { from: dayStart - 3 * DAY, to }, // whole days (rollup_dim_daily) plus edge hours
      { from: dayStart - 3 * DAY + 30 * 60_000, to: Date.now() + 1 }, // minutes at both ends (raw edges)
    ];
    const scopes: Partial<ReportQuery>[] = [
      {},
      { partnerId: p1 },
      { partnerId: p1, audience: 'partner' },
      { partnerId: p2, filters: { campaignId: alpha } },
      { filters: { country: 'DE' } },
    ];
    for (const period of periods) {
      for (const scope of scopes) {
        for (const group of GROUPS) {
          if (group === 'partner' && scope.audience === 'partner') continue;
          const q: ReportQuery = { group, timezone: 'UTC', ...period, ...scope };
          const fast = await buildReport(ctx.app, q);
          const raw = await buildReport(ctx.app, { ...q, source: 'raw' });
          const what = `${group} ${JSON.stringify(scope)} ${period.from}-${period.to}`;
          expect(fast.rows, what).toEqual(raw.rows);
          expect(fast.totals, what).toEqual(raw.totals);
          // Time groups over periods with minutes at the ends are answered from the raw tables by design.
          if (period.to % H === 0 || !['day', 'hour'].includes(group)) expect(fast.source, what).not.toBe('raw');
        }
      }
    }
  }

  /** Rollup totals straight from the tables (what a report reads once everything is folded). */
  async function rollupSums(): Promise<{ clicks: number }> {
    const sum = async (table: string, where: Record<string, string> = {}) => {
      const r = await db(table).where(where).sum({ clicks: 'clicks', cost: 'cost', payout: 'payout' }).first();
      return `${Number(r?.clicks ?? 0)}/${Number(r?.cost ?? 0)}/${Number(r?.payout ?? 0)}`;
    };
    const hourly = await sum('rollup_hourly');
    expect(await sum('rollup_dim_hourly', { dim: 'geo' })).toBe(hourly);
    expect(await sum('rollup_dim_daily', { dim: 'os' })).toBe(hourly);
    const [c] = await db('clicks').count({ n: '*' }).sum({ cost: 'cost' });
    const [v] = await db('conversions').whereNot('status', 'declined').sum({ payout: 'payout' });
    expect(hourly).toBe(`${Number(c?.n)}/${Number(c?.cost ?? 0)}/${Number(v?.payout ?? 0)}`);
    return { clicks: Number(c?.n) };
  }

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    db = ctx.app.db;
    p1 = await makePartner(db, { name: 'Pia' });
    p2 = await makePartner(db, { name: 'Pat' });
    alpha = await makeCampaign(db, { name: 'Alpha' });
    beta = await makeCampaign(db, { name: 'Beta' });
    const [row] = await db('landings')
      .insert({ campaign_id: alpha, name: 'LP', url: 'https://offer.example.com/lp', is_default: false })
      .returning('id');
    lp = (row as { id: number }).id;
    for (const p of [p1, p2]) for (const c of [alpha, beta]) await grantAccess(db, p, c);
  });
  afterAll(async () => ctx?.close());

  it('keeps reports exact after clicks, conversions, a status update and a cost upload: unfolded, half folded, folded', async () => {
    const ids = await clicks(120);
    const upload = await api(
      ctx,
      'POST',
      '/api/v1/conversions',
      ids.slice(0, 40).map((clickid, i) => ({
        clickid,
        type: i % 3 === 0 ? 'lead' : 'Deposit',
        status: pick(['pending', 'approved', 'declined']),
        txid: `t${i}`,
      })),
    );
    expect(upload.body).toMatchObject({ created: 40, errors: 0 });
    const convIds: number[] = upload.body.results.map((r: { conversion_id: number }) => r.conversion_id);
    // Negative deltas: approve some, decline others, change a payout.
    const update = await api(ctx, 'POST', '/api/v1/conversions/update', [
      ...convIds.slice(0, 8).map((id) => ({ conversion_id: id, status: 'approved' })),
      ...convIds.slice(8, 16).map((id) => ({ conversion_id: id, status: 'declined' })),
      { conversion_id: convIds[20], payout: '12.34' },
    ]);
    expect(update.status).toBe(200);
    const utc = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
    const cost = await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: alpha,
      time_from: utc(dayStart - 3 * DAY),
      time_to: utc(dayStart + DAY),
      cost: '77.77',
      currency: 'USD',
    });
    expect(cost.status).toBe(200);
    expect(cost.body.clicks).toBeGreaterThan(0);

    const pending = await pendingRollupDeltas(db);
    if (flavor === 'postgres') expect(pending).toBeGreaterThan(10);
    else expect(pending).toBe(0);
    await expectReportsExact();

    // Half folded: the oldest rows are in the rollups, the rest still in the tail.
    const half = await foldRollupDeltas(db, Math.floor(pending / 2));
    expect(half.folded).toBe(Math.floor(pending / 2));
    expect(await pendingRollupDeltas(db)).toBe(pending - half.folded);
    await expectReportsExact();

    // More facts on top of a half-folded state, then a second cost upload that replaces the first.
    await clicks(30);
    await api(ctx, 'POST', '/api/v1/conversions/update', [{ conversion_id: convIds[0], status: 'declined' }]);
    await api(ctx, 'POST', '/api/v1/costs', {
      campaign_id: alpha,
      time_from: utc(dayStart - 3 * DAY),
      time_to: utc(dayStart + DAY),
      cost: '5.00',
      currency: 'USD',
    });
    await expectReportsExact();

    await foldAllRollupDeltas(db);
    expect(await pendingRollupDeltas(db)).toBe(0);
    await expectReportsExact();
    expect((await rollupSums()).clicks).toBe(150);
  }, 180_000);

  it.skipIf(flavor === 'sqlite')('folds on its own in every process that runs the rollups role', async () => {
    await clicks(20);
    expect(await pendingRollupDeltas(db)).toBeGreaterThan(0);
    const folders = [
      startRollupFolder(db, createLogger('silent'), 20),
      startRollupFolder(db, createLogger('silent'), 20),
    ];
    try {
      for (let i = 0; i < 250 && (await pendingRollupDeltas(db)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await pendingRollupDeltas(db)).toBe(0);
    } finally {
      for (const f of folders) await f.stop();
    }
    await rollupSums();
  });

  it.skipIf(flavor === 'sqlite')(
    'counts nothing twice with folds running concurrently beside the writers',
    async () => {
      const before = (await rollupSums()).clicks;
      const writes = Array.from({ length: 12 }, () => clicks(25));
      let stop = false;
      const folders = Array.from({ length: 4 }, async () => {
        let folded = 0;
        while (!stop) {
          folded += (await foldRollupDeltas(db, 7)).folded;
          await new Promise((r) => setTimeout(r, 1));
        }
        return folded;
      });
      await Promise.all(writes);
      stop = true;
      const foldedByEach = await Promise.all(folders);
      expect(foldedByEach.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      await foldAllRollupDeltas(db);
      expect((await rollupSums()).clicks).toBe(before + 300);
    },
    120_000,
  );

  it.skipIf(flavor === 'sqlite')(
    'lets one fold run at a time, and loses nothing when a folding process dies mid-fold',
    async () => {
      await clicks(40);
      const pending = await pendingRollupDeltas(db);
      expect(pending).toBeGreaterThan(0);
      // Hold the last rollup table so a fold stops half-way, its rows deleted and two tables upserted.
      const blocker = await db.transaction();
      await blocker.raw('lock table rollup_dim_daily in share mode');
      const stuck = foldRollupDeltas(db).catch((err: Error) => err);
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        const r = await db.raw(
          `select pid from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock' and query ilike '%rollup_dim_daily%'`,
        );
        pid = r.rows[0]?.pid;
        if (pid === undefined) await new Promise((res) => setTimeout(res, 25));
      }
      expect(pid).toBeDefined();
      // A second folder finds the lock taken and does nothing.
      expect(await foldRollupDeltas(db)).toEqual({ folded: 0, locked: false });
      // Reports meanwhile see the deltas once: the fold's delete and upserts are not committed.
      await expectReportsExact();
      // The folding process dies (as a SIGKILL would leave it): its transaction rolls back.
      await db.raw('select pg_terminate_backend(?)', [Number(pid)]);
      expect(await stuck).toBeInstanceOf(Error);
      await blocker.rollback();
      expect(await pendingRollupDeltas(db)).toBe(pending);
      await foldAllRollupDeltas(db);
      expect(await pendingRollupDeltas(db)).toBe(0);
      await rollupSums();
      await expectReportsExact();
    },
    120_000,
  );
});
