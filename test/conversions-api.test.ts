import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalance } from '../src/app/ledger/get-balance.js';
import { recordPayment } from '../src/app/ledger/record-payment.js';
import { countRows, ledgerOf, makeClick, rollupTotals } from './helpers/conversions.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

describe.each(DB_FLAVORS)('conversions API on %s', (flavor) => {
  let ctx: TestContext;
  let campaignId: number;
  let revshareId: number;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    campaignId = await makeCampaign(ctx.app.db);
    revshareId = await makeCampaign(ctx.app.db, { type: 'revshare' }, [
      { type: 'Sale', kind: 'revshare', percentBp: 2500 },
    ]);
  });
  afterAll(async () => ctx?.close());

  async function partnerWithClicks(n: number, campaign = campaignId, over = {}) {
    const partnerId = await makePartner(ctx.app.db, over);
    await grantAccess(ctx.app.db, partnerId, campaign);
    const clicks: string[] = [];
    for (let i = 0; i < n; i++) clicks.push(await makeClick(ctx.app.db, partnerId, campaign));
    return { partnerId, clicks };
  }
  const upload = (body: unknown, key?: string | null) => api(ctx, 'POST', '/api/v1/conversions', body, key);
  const update = (body: unknown) => api(ctx, 'POST', '/api/v1/conversions/update', body);

  it('needs an admin API key', async () => {
    expect((await upload([], null)).status).toBe(401);
    expect((await api(ctx, 'POST', '/api/v1/conversions/update', [], null)).status).toBe(401);
  });

  it('uploads conversions with one result per item', async () => {
    const { partnerId, clicks } = await partnerWithClicks(2);
    const res = await upload([
      { clickid: clicks[0], sum: '10.00', txid: 'u1' },
      { clickid: clicks[1], type: 'DEPOSIT', sum: 25, status: 'pending' },
      { clickid: clicks[0], sum: '10.00', txid: 'u1' },
      { clickid: 'nope', sum: '1' },
      { clickid: clicks[1], type: 'sale' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, duplicates: 1, errors: 2 });
    const r = res.body.results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['created', 'created', 'duplicate', 'error', 'error']);
    expect(r[2].conversion_id).toBe(r[0].conversion_id);
    expect(r[3].error).toMatchObject({ code: 'click_not_found', field: 'clickid' });
    expect(r[4].error).toMatchObject({ code: 'unknown_conversion_type', field: 'type' });
    expect(await countRows(ctx.app.db, 'conversions', { partner_id: partnerId })).toBe(2);
    const deposit = await ctx.app.db('conversions').where({ id: r[1].conversion_id }).first();
    expect(deposit).toMatchObject({ type: 'Deposit', revenue: 2500, payout: 5000, status: 'pending' });
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 500, pending: 5000 });
    // Uploading the same again only reports duplicates.
    const again = await upload([{ clickid: clicks[0], sum: '10.00', txid: 'u1' }]);
    expect(again.body.results[0]).toMatchObject({ status: 'duplicate', conversion_id: r[0].conversion_id });
  });

  it('refuses a request with a malformed item whole, naming the item and field, and writes nothing', async () => {
    const { partnerId, clicks } = await partnerWithClicks(2);
    const res = await upload([{ clickid: clicks[0], sum: '1' }, { clickid: clicks[1], sum: '1e309' }, { sum: '2' }]);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('[1].sum');
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toEqual(['[1].sum', '[2].clickid']);
    expect(await countRows(ctx.app.db, 'conversions', { partner_id: partnerId })).toBe(0);
    expect((await upload({ not: 'a list' })).status).toBe(400);
    expect((await upload(Array.from({ length: 1001 }, () => ({ clickid: 'x' })))).body.error.code).toBe(
      'too_many_items',
    );
  });

  it('moves the balance with status changes pending -> approved -> declined, and reports unchanged', async () => {
    const { partnerId, clicks } = await partnerWithClicks(1);
    const created = await upload([{ clickid: clicks[0], type: 'Deposit', status: 'pending', txid: 'S1' }]);
    const id = created.body.results[0].conversion_id;
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 0, pending: 5000 });

    const approve = await update([{ conversion_id: id, status: 'approved' }]);
    expect(approve.body.results).toEqual([{ index: 0, status: 'updated', conversion_id: id }]);
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 5000, pending: 0 });

    const same = await update([{ txid: 'S1', status: 'APPROVED' }]);
    expect(same.body.results[0]).toMatchObject({ status: 'unchanged', conversion_id: id });

    await update([{ clickid: clicks[0], type: 'deposit', status: 'rejected' }]);
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 0, pending: 0 });
    expect(await ledgerOf(ctx.app.db, partnerId)).toEqual([
      ['pending', 5000, 'conversion'],
      ['pending', -5000, 'status_change'],
      ['available', 5000, 'status_change'],
      ['available', -5000, 'status_change'],
    ]);
    expect(await rollupTotals(ctx.app.db, partnerId)).toMatchObject({
      conv_total: 0,
      conv_approved: 0,
      conv_pending: 0,
      conv_declined: 1,
      payout: 0,
    });
  });

  it('applies payout overrides and revshare recomputation on revenue changes', async () => {
    const { partnerId, clicks } = await partnerWithClicks(1, revshareId);
    const created = await upload([{ clickid: clicks[0], sum: '100' }]);
    const id = created.body.results[0].conversion_id;
    expect(await ctx.app.db('conversions').where({ id }).first()).toMatchObject({ revenue: 10000, payout: 2500 });

    await update([{ conversion_id: id, revenue: '200.00' }]);
    expect(await ctx.app.db('conversions').where({ id }).first()).toMatchObject({ revenue: 20000, payout: 5000 });
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 5000 });

    await update([{ conversion_id: String(id), payout: '12,34', revenue: '300' }]);
    expect(await ctx.app.db('conversions').where({ id }).first()).toMatchObject({ revenue: 30000, payout: 1234 });
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 1234 });
    expect(await rollupTotals(ctx.app.db, partnerId)).toMatchObject({ payout: 1234, revenue: 30000, conv_total: 1 });
    expect((await ledgerOf(ctx.app.db, partnerId)).map((e) => e[2])).toEqual([
      'conversion',
      'payout_change',
      'payout_change',
    ]);
  });

  it('answers per item for unknown or ambiguous conversions and refuses malformed updates whole', async () => {
    const { clicks } = await partnerWithClicks(2);
    await upload([
      { clickid: clicks[0], txid: 'same' },
      { clickid: clicks[1], txid: 'same' },
    ]);
    const res = await update([
      { conversion_id: 999999999, status: 'declined' },
      { txid: 'same', status: 'declined' },
      { txid: 'nobody-sent-this', status: 'declined' },
      { clickid: clicks[0], txid: 'not-this-one', status: 'declined' },
    ]);
    expect(res.status).toBe(200);
    // Each error names the value the caller should check: the selector the item used.
    expect(res.body.results[0]).toMatchObject({
      status: 'error',
      error: { code: 'conversion_not_found', field: 'conversion_id' },
    });
    expect(res.body.results[1]).toMatchObject({ status: 'error', error: { code: 'ambiguous_conversion' } });
    expect(res.body.results[2]).toMatchObject({
      status: 'error',
      error: { code: 'conversion_not_found', field: 'txid', message: 'no conversion with txid "nobody-sent-this"' },
    });
    expect(res.body.results[3]).toMatchObject({
      status: 'error',
      error: { code: 'conversion_not_found', field: 'txid' },
    });
    expect(res.body.results[3].error.message).toBe(
      `click "${clicks[0]}" has no conversion with txid "not-this-one"; check type and txid`,
    );
    const bad = await update([{ conversion_id: 1, payout: '-5' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('[0].payout');
    expect((await update([{ conversion_id: 1 }])).body.error.code).toBe('validation_failed');
  });

  it('applies one request of many updates in order, the same conversion twice included, as single updates would', async () => {
    const referrer = await makePartner(ctx.app.db);
    const { partnerId, clicks } = await partnerWithClicks(3, campaignId, { referrer_id: referrer });
    // A chat with notifications on: each status change is its own message, as when items were applied singly.
    await ctx.app.db('chat_identities').insert({
      platform: 'telegram',
      user_id: `u${partnerId}`,
      partner_id: partnerId,
      chat_id: `c${partnerId}`,
      linked_at: Date.now(),
      notify: true,
    });
    const created = await upload(
      clicks.map((c, i) => ({ clickid: c, type: 'Deposit', status: 'pending', txid: `M${i}` })),
    );
    const [a, b, c] = created.body.results.map((r: { conversion_id: number }) => r.conversion_id);
    const res = await update([
      { conversion_id: a, status: 'approved' },
      { txid: 'M1', status: 'approved', payout: '60' },
      { conversion_id: a, status: 'declined' },
      { clickid: clicks[2], type: 'deposit', txid: 'M2', status: 'pending' },
      { conversion_id: 999999999, status: 'approved' },
      { conversion_id: b, status: 'approved', payout: '60' },
      { conversion_id: c, payout: '1.005' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { index: 0, status: 'updated', conversion_id: a },
      { index: 1, status: 'updated', conversion_id: b },
      { index: 2, status: 'updated', conversion_id: a },
      { index: 3, status: 'unchanged', conversion_id: c },
      { index: 4, status: 'error', error: expect.objectContaining({ code: 'conversion_not_found' }) },
      { index: 5, status: 'unchanged', conversion_id: b },
      { index: 6, status: 'error', error: expect.objectContaining({ field: 'payout' }) },
    ]);
    // Ids follow the batch's insert order (by conversion key), not the upload order: read them one by one.
    const statusOf = async (id: number) => (await ctx.app.db('conversions').where({ id }).first()).status;
    expect([await statusOf(a), await statusOf(b), await statusOf(c)]).toEqual(['declined', 'approved', 'pending']);
    // a: pending -> approved -> declined; b: pending 50.00 -> approved 60.00; c untouched.
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 6000, pending: 5000 });
    expect(await getBalance(ctx.app, referrer)).toMatchObject({ referral: 300, referralPending: 250 });
    const commissionOf = (id: number) =>
      ctx.app.db('referral_commissions').where({ conversion_id: id }).first('status', 'amount');
    expect(await commissionOf(a)).toEqual({ status: 'declined', amount: 250 });
    expect(await commissionOf(b)).toEqual({ status: 'approved', amount: 300 });
    expect(await rollupTotals(ctx.app.db, partnerId)).toMatchObject({
      conv_total: 2,
      conv_approved: 1,
      conv_pending: 1,
      conv_declined: 1,
      payout: 11000,
    });
    const notes = await ctx.app.db('notifications').where({ partner_id: partnerId, kind: 'conversion' }).orderBy('id');
    const changes = notes.map((n) => JSON.parse(n.payload).items).filter((items) => items[0].event === 'status');
    expect(changes.map((items: { status: string }[]) => items.map((i) => i.status))).toEqual([
      ['approved'],
      ['approved'],
      ['declined'],
    ]);
  });

  it('mirrors the referral commission through a decline, and payments reduce the balance', async () => {
    const referrer = await makePartner(ctx.app.db);
    const { partnerId, clicks } = await partnerWithClicks(1, campaignId, { referrer_id: referrer });
    const created = await upload([{ clickid: clicks[0], type: 'Deposit', status: 'approved' }]);
    const id = created.body.results[0].conversion_id;
    // Default rate from the configuration: REFERRAL_RATE_PERCENT=5 -> 5 % of 50.00.
    expect(await getBalance(ctx.app, referrer)).toMatchObject({ referral: 250, referralPending: 0 });

    await update([{ conversion_id: id, status: 'declined' }]);
    expect(await getBalance(ctx.app, referrer)).toMatchObject({ referral: 0, referralPending: 0 });
    expect(await ctx.app.db('referral_commissions').where({ conversion_id: id }).first()).toMatchObject({
      status: 'declined',
      amount: 250,
    });
    await update([{ conversion_id: id, status: 'approved', payout: '60' }]);
    expect(await getBalance(ctx.app, referrer)).toMatchObject({ referral: 300 });
    expect(await ctx.app.db('referral_commissions').where({ conversion_id: id }).first()).toMatchObject({
      status: 'approved',
      amount: 300,
    });

    await recordPayment(ctx.app, { partnerId, amount: 2000, status: 'paid' });
    await recordPayment(ctx.app, { partnerId, amount: 1000, status: 'requested' });
    expect(await getBalance(ctx.app, partnerId)).toMatchObject({ available: 4000, paid: 2000, currency: 'USD' });
  });
});
