import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotCore } from '../bots/core/bot-core.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { type SeedSummary, seedDemo } from '../src/app/demo/seed-demo.js';
import { getBalance } from '../src/app/ledger/get-balance.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const CLICKS = 4000;

describe.each(DB_FLAVORS)('demo seed on %s', (flavor) => {
  let ctx: TestContext;
  let summary: SeedSummary;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    summary = await seedDemo(ctx.app, { clicks: CLICKS, now: NOW });
  });
  afterAll(async () => ctx?.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await ctx.app.db(table).where(where).count({ n: '*' }))[0]?.n ?? 0);
  const sum = async (table: string, column: string, where: Record<string, unknown> = {}) =>
    Number((await ctx.app.db(table).where(where).sum({ s: column }))[0]?.s ?? 0);

  it('creates partners (one referred by another), campaigns of every type, landings, creatives, access', async () => {
    expect(summary).toMatchObject({ partners: 5, campaigns: 6, clicks: CLICKS });
    expect(await count('partners')).toBe(5);
    expect((await ctx.app.db('partners').whereNotNull('referrer_id')).length).toBeGreaterThanOrEqual(1);
    const types = (await ctx.app.db('campaigns').distinct('type')).map((r) => r.type).sort();
    expect(types).toEqual(['cpa', 'cpl', 'cps', 'revshare']);
    expect(await count('landings')).toBeGreaterThanOrEqual(6);
    expect(await count('creatives')).toBeGreaterThanOrEqual(12);
    expect(await count('partner_campaigns', { status: 'approved' })).toBeGreaterThan(5);
    expect(await count('payment_methods')).toBe(5);
  });

  it('spreads clicks over the period, geos and devices, and the rollups agree with them', async () => {
    expect(await count('clicks')).toBe(CLICKS);
    const [range] = await ctx.app.db('clicks').min({ lo: 'created_at' }).max({ hi: 'created_at' });
    expect(Number(range?.hi)).toBeLessThan(NOW);
    expect(Number(range?.lo)).toBeGreaterThanOrEqual(NOW - 30 * 86_400_000);
    expect((await ctx.app.db('clicks').distinct('country')).length).toBeGreaterThanOrEqual(15);
    expect((await ctx.app.db('clicks').distinct('device')).length).toBeGreaterThanOrEqual(3);
    expect(await sum('rollup_dim_hourly', 'clicks', { dim: 'all' })).toBe(CLICKS);
  });

  it('books conversions of several types and statuses, with ledger entries and referral commission', async () => {
    expect(summary.conversions).toBeGreaterThan(100);
    expect(await count('conversions')).toBe(summary.conversions);
    const statuses = (await ctx.app.db('conversions').distinct('status')).map((r) => r.status).sort();
    expect(statuses).toEqual(['approved', 'declined', 'pending']);
    expect((await ctx.app.db('conversions').distinct('type_key')).length).toBeGreaterThanOrEqual(6);
    expect(await count('conversions', { txid: '' })).toBe(0);
    expect(await count('ledger_entries')).toBeGreaterThan(0);
    expect(await count('referral_commissions')).toBeGreaterThan(0);
    const approvedPayout = await sum('conversions', 'payout', { status: 'approved' });
    expect(await sum('rollup_dim_hourly', 'payout_approved', { dim: 'all' })).toBe(approvedPayout);
  });

  it('has a payment history and leaves partners a positive balance', async () => {
    expect(summary.payments).toBeGreaterThan(0);
    expect(await count('payments', { status: 'paid' })).toBeGreaterThan(0);
    const paid = await ctx.app.db('payments').where({ status: 'paid' }).first();
    const balance = await getBalance(ctx.app, paid.partner_id);
    expect(balance.available).toBeGreaterThan(0);
    expect(balance.paid).toBeGreaterThan(0);
  });

  it("every demo payment names the method it went to, in the bot's payments table too", async () => {
    expect(await ctx.app.db('payments').whereNull('method_id')).toEqual([]);
    const paid = await ctx.app.db('payments').where({ status: 'paid' }).first();
    const user = { platform: 'console' as const, userId: 'seed-pay', chatId: 'seed-pay' };
    const core = createBotCore(ctx.app);
    await core.handleText(user, `link ${(await issueLinkCode(ctx.app, paid.partner_id)).code}`);
    const [answer] = await core.handleText(user, 'payments');
    const table = answer?.blocks.find((b) => b.kind === 'table');
    const methods = table?.kind === 'table' ? table.rows.map((r) => r[3]) : [];
    expect(methods.length).toBeGreaterThan(0);
    expect(methods).not.toContain('–');
  });

  it('serves the seeded data through the admin API', async () => {
    const res = await api(ctx, 'GET', '/api/v1/campaigns?limit=10');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(6);
    expect(res.body.items[0].payouts.length).toBeGreaterThan(0);
  });
});
