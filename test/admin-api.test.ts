import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

const campaignBody = {
  name: 'Casino Royale DE',
  type: 'cpa',
  category: 'Gambling',
  description: 'Online casino, DE only',
  landing_url: 'https://casino.example.com/lp?click={clickid}&s1={sub1}',
  currency: 'EUR',
  deeplink_domains: ['casino.example.com'],
  access: 'approval',
  payouts: [
    { type: 'Registration', amount: '2.50' },
    { type: 'deposit', kind: 'fixed', amount: '40,00', default_revenue: '80' },
    { type: 'revenue', kind: 'revshare', percent: '25' },
  ],
  landings: [
    { name: 'Main', url: 'https://casino.example.com/lp?click={clickid}' },
    { name: 'Bonus', url: 'https://casino.example.com/bonus?click={clickid}', is_default: true },
  ],
  creatives: [
    { name: 'Banner 300x250', kind: 'banner', url: 'https://cdn.example.com/300x250.png', width: 300, height: 250 },
    { name: 'Text ad', kind: 'text', body: 'Spin now: 100 free spins' },
  ],
};

describe.each(DB_FLAVORS)('admin API on %s', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
  });
  afterAll(async () => ctx?.close());

  const count = async (table: string) => Number((await ctx.app.db(table).count({ n: '*' }))[0]?.n ?? 0);

  it('creates a partner, reads it back and lists it by search', async () => {
    const res = await api(ctx, 'POST', '/api/v1/partners', {
      name: 'Acme Media',
      email: 'Ops@Acme.example',
      timezone: 'europe/berlin',
      min_payout: '100,00',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Acme Media',
      email: 'ops@acme.example',
      status: 'active',
      currency: 'USD',
      timezone: 'Europe/Berlin',
      min_payout: '100.00',
    });
    const got = await api(ctx, 'GET', `/api/v1/partners/${res.body.id}`);
    expect(got.body.email).toBe('ops@acme.example');
    const list = await api(ctx, 'GET', '/api/v1/partners?search=acme&limit=5');
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: number }) => p.id)).toContain(res.body.id);
    expect(list.body.limit).toBe(5);
  });

  it('answers 409 for a duplicate email, whatever its case, and writes nothing', async () => {
    const before = await count('partners');
    await api(ctx, 'POST', '/api/v1/partners', { name: 'One', email: 'dup@example.com' });
    const res = await api(ctx, 'POST', '/api/v1/partners', { name: 'Two', email: 'DUP@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'email_taken', field: 'email' });
    expect(await count('partners')).toBe(before + 1);
  });

  it('refuses a bad timezone with 400 naming timezone, and writes nothing', async () => {
    const before = await count('partners');
    const res = await api(ctx, 'POST', '/api/v1/partners', {
      name: 'Tz',
      email: 'tz@example.com',
      timezone: 'Mars/Olympus',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('timezone');
    expect(res.body.error.message).toMatch(/Europe\/Berlin/);
    expect(await count('partners')).toBe(before);
  });

  it('names the field for wrong types, unknown fields, bad money and unknown referrers', async () => {
    const wrongType = await api(ctx, 'POST', '/api/v1/partners', { name: 12, email: 'x@example.com' });
    expect(wrongType.body.error).toMatchObject({ field: 'name' });
    expect(wrongType.body.error.message).not.toMatch(/required/);
    const typo = await api(ctx, 'POST', '/api/v1/partners', { name: 'T', email: 't@example.com', stauts: 'x' });
    expect(typo.body.error).toMatchObject({ code: 'unknown_field', field: 'stauts' });
    const money = await api(ctx, 'POST', '/api/v1/partners', { name: 'M', email: 'm@example.com', min_payout: '-5' });
    expect(money.body.error).toMatchObject({ code: 'invalid_amount', field: 'min_payout' });
    const ref = await api(ctx, 'POST', '/api/v1/partners', { name: 'R', email: 'r@example.com', referrer_id: 999999 });
    expect(ref.status).toBe(400);
    expect(ref.body.error).toMatchObject({ code: 'unknown_referrer', field: 'referrer_id' });
  });

  it('patches a partner: status, referrer (not itself), 404 for an unknown id', async () => {
    const referrer = await makePartner(ctx.app.db);
    const id = await makePartner(ctx.app.db);
    const res = await api(ctx, 'PATCH', `/api/v1/partners/${id}`, { status: 'suspended', referrer_id: referrer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'suspended', referrer_id: referrer });
    const self = await api(ctx, 'PATCH', `/api/v1/partners/${id}`, { referrer_id: id });
    expect(self.body.error).toMatchObject({ code: 'self_referral', field: 'referrer_id' });
    const cycle = await api(ctx, 'PATCH', `/api/v1/partners/${referrer}`, { referrer_id: id });
    expect(cycle.body.error).toMatchObject({ code: 'referral_cycle' });
    const missing = await api(ctx, 'PATCH', '/api/v1/partners/999999', { status: 'active' });
    expect(missing.status).toBe(404);
    const badStatus = await api(ctx, 'PATCH', `/api/v1/partners/${id}`, { status: 'gone' });
    expect(badStatus.body.error).toMatchObject({ field: 'status' });
    expect(badStatus.body.error.message).toMatch(/pending, active, suspended/);
  });

  it('creates a campaign with payouts, landings and creatives', async () => {
    const res = await api(ctx, 'POST', '/api/v1/campaigns', campaignBody);
    expect(res.status).toBe(201);
    const c = res.body;
    expect(c).toMatchObject({ type: 'cpa', category: 'gambling', currency: 'EUR', access: 'approval' });
    expect(c.payouts).toEqual([
      { type: 'Registration', kind: 'fixed', amount: '2.50', default_revenue: '0.00' },
      { type: 'deposit', kind: 'fixed', amount: '40.00', default_revenue: '80.00' },
      { type: 'revenue', kind: 'revshare', percent: '25', default_revenue: '0.00' },
    ]);
    expect(c.landings.map((l: { is_default: boolean }) => l.is_default)).toEqual([false, true]);
    expect(c.creatives).toHaveLength(2);
    expect(c.tracking_url).toContain(`/t/${c.id}`);
    const rows = await ctx.app.db('campaign_payouts').where({ campaign_id: c.id }).orderBy('id');
    expect(rows.map((r) => [r.type_key, Number(r.amount), Number(r.percent_bp)])).toEqual([
      ['registration', 250, 0],
      ['deposit', 4000, 0],
      ['revenue', 0, 2500],
    ]);
    const list = await api(ctx, 'GET', '/api/v1/campaigns?category=gambling&search=royale');
    expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([c.id]);
  });

  it('refuses a bad campaign as a whole: nothing is written', async () => {
    const before = await count('campaigns');
    const bad = await api(ctx, 'POST', '/api/v1/campaigns', {
      ...campaignBody,
      payouts: [
        { type: 'lead', amount: '5.00' },
        { type: 'Lead', amount: '6.00' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'duplicate_payout_type', field: 'payouts.1.type' });
    const url = await api(ctx, 'POST', '/api/v1/campaigns', { ...campaignBody, landing_url: 'ftp://x.example.com' });
    expect(url.body.error.field).toBe('landing_url');
    const pct = await api(ctx, 'POST', '/api/v1/campaigns', {
      ...campaignBody,
      payouts: [{ type: 'sale', kind: 'revshare', percent: '120' }],
    });
    expect(pct.body.error).toMatchObject({ field: 'payouts.0.percent' });
    expect(await count('campaigns')).toBe(before);
  });

  it('patches campaign status and payouts, and grants a partner access', async () => {
    const created = await api(ctx, 'POST', '/api/v1/campaigns', campaignBody);
    const id = created.body.id;
    const res = await api(ctx, 'PATCH', `/api/v1/campaigns/${id}`, {
      status: 'paused',
      payouts: [{ type: 'deposit', amount: '45.00' }],
      landings: [{ id: created.body.landings[0].id, name: 'Main v2', url: 'https://casino.example.com/v2' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('paused');
    expect(res.body.payouts).toEqual([{ type: 'deposit', kind: 'fixed', amount: '45.00', default_revenue: '0.00' }]);
    expect(res.body.landings.map((l: { status: string }) => l.status)).toEqual(['active', 'archived']);

    const partnerId = await makePartner(ctx.app.db);
    const grant = await api(ctx, 'PUT', `/api/v1/campaigns/${id}/partners/${partnerId}`, { status: 'approved' });
    expect(grant.status).toBe(200);
    expect(grant.body).toMatchObject({ partner_id: partnerId, campaign_id: id, status: 'approved' });
    const reject = await api(ctx, 'PUT', `/api/v1/campaigns/${id}/partners/${partnerId}`, { status: 'rejected' });
    expect(reject.body.status).toBe('rejected');
    const rows = await ctx.app.db('partner_campaigns').where({ campaign_id: id });
    expect(rows.map((r) => r.status)).toEqual(['rejected']);
    const unknown = await api(ctx, 'PUT', `/api/v1/campaigns/${id}/partners/999999`, { status: 'approved' });
    expect(unknown.status).toBe(404);
  });

  it('answers 401 without a key and 403 with a partner key', async () => {
    const none = await api(ctx, 'GET', '/api/v1/partners', undefined, null);
    expect(none.status).toBe(401);
    const partnerId = await makePartner(ctx.app.db);
    const { key } = await createApiKey(ctx.app, { name: 'p', role: 'partner', partnerId });
    const forbidden = await api(ctx, 'POST', '/api/v1/campaigns', campaignBody, key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('admin_only');
  });
});
