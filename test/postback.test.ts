import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConversionRequest } from '../src/app/conversions/record-conversion.js';
import { recordConversionBatch } from '../src/app/conversions/record-conversion-batch.js';
import { getBalance } from '../src/app/ledger/get-balance.js';
import { countRows, ledgerOf, makeClick, rollupTotals } from './helpers/conversions.js';
import { grantAccess, makeApprovedPair, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

describe.each(DB_FLAVORS)('S2S /postback on %s', (flavor) => {
  let ctx: TestContext;
  let partnerId: number;
  let campaignId: number;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    // Payout rows: lead (first, so the default type) 5.00 fixed; Deposit 50.00 fixed.
    ({ partnerId, campaignId } = await makeApprovedPair(ctx.app.db));
  });
  afterAll(async () => ctx?.close());

  const click = () => makeClick(ctx.app.db, partnerId, campaignId);
  const postback = (query: string) => api(ctx, 'GET', `/postback?${query}`, undefined, null);
  const conversionsOf = (clickId: string) =>
    ctx.app
      .db('conversions')
      .join('clicks', 'clicks.id', 'conversions.click_row_id')
      .where('clicks.click_id', clickId)
      .select('conversions.*');

  it('records a GET postback with the default type and status, and books the payout', async () => {
    const c = await click();
    const before = await getBalance(ctx.app, partnerId);
    const res = await postback(`clickid=${c}&sum=12.34&txid=t1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', conversion_id: expect.any(Number), duplicate: false });
    const [row] = await conversionsOf(c);
    expect(row).toMatchObject({
      type: 'lead',
      status: 'approved',
      payout: 500,
      revenue: 1234,
      currency: 'USD',
      txid: 't1',
    });
    expect(Number(row.id)).toBe(res.body.conversion_id);
    const after = await getBalance(ctx.app, partnerId);
    expect(after.available - before.available).toBe(500);
    const entries = await ctx.app.db('ledger_entries').where({ conversion_id: res.body.conversion_id });
    expect(entries.map((e) => [e.account, Number(e.amount), e.reason])).toEqual([['available', 500, 'conversion']]);
  });

  it('accepts POST as a form, as JSON, and with the fields in the query', async () => {
    const [a, b, c] = [await click(), await click(), await click()];
    const form = await fetch(`${ctx.baseUrl}/postback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `clickid=${a}&sum=1.50&type=Deposit&status=pending`,
    });
    expect(form.status).toBe(200);
    const json = await api(ctx, 'POST', '/postback', { clickid: b, payout: '2', type: 'lead' }, null);
    expect(json.status).toBe(200);
    const query = await api(ctx, 'POST', `/postback?clickid=${c}&sum=3`, undefined, null);
    expect(query.status).toBe(200);
    expect((await conversionsOf(a))[0]).toMatchObject({
      type: 'Deposit',
      status: 'pending',
      revenue: 150,
      payout: 5000,
    });
    expect((await conversionsOf(b))[0]).toMatchObject({ type: 'lead', revenue: 200 });
    expect((await conversionsOf(c))[0]).toMatchObject({ revenue: 300 });
  });

  it.each([
    ['12.34', 1234],
    ['12,34', 1234],
    ['12', 1200],
  ])('parses sum=%s exactly', async (sum, minor) => {
    const c = await click();
    expect((await postback(`clickid=${c}&sum=${encodeURIComponent(sum)}`)).status).toBe(200);
    expect((await conversionsOf(c))[0].revenue).toBe(minor);
  });

  it.each(['abc', '-1', 'NaN', '1e309', '1234567890123456789012345678901234567890', '12.345'])(
    'refuses sum=%s naming the field, and writes nothing',
    async (sum) => {
      const c = await click();
      const ledgerBefore = await countRows(ctx.app.db, 'ledger_entries');
      const res = await postback(`clickid=${c}&sum=${encodeURIComponent(sum)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('sum');
      expect(await conversionsOf(c)).toHaveLength(0);
      expect(await countRows(ctx.app.db, 'ledger_entries')).toBe(ledgerBefore);
    },
  );

  it('refuses a bad payout alias the same way, and sum and payout that disagree', async () => {
    const c = await click();
    expect((await postback(`clickid=${c}&payout=abc`)).body.error.field).toBe('payout');
    const res = await postback(`clickid=${c}&sum=1&payout=2`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('conflicting_amounts');
    expect(await conversionsOf(c)).toHaveLength(0);
  });

  it('answers 404 for an unknown click and 400 without a clickid', async () => {
    const unknown = await postback('clickid=doesnotexist&sum=1');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('click_not_found');
    const missing = await postback('sum=1');
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('clickid');
  });

  it('looks up a clickid with quotes, commas and backslashes as the exact text sent', async () => {
    // On PostgreSQL the batch's click ids travel as one JSON array in the look-up statement.
    const odd = `a","b\\c',d`;
    const unknown = await postback(`clickid=${encodeURIComponent(odd)}&sum=1`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(`"${odd}"`);
    const c = await click();
    const [oddAgain, real] = await Promise.all([
      postback(`clickid=${encodeURIComponent(odd)}&sum=1&txid=x`),
      postback(`clickid=${c}&sum=1&txid=odd`),
    ]);
    expect(oddAgain.status).toBe(404);
    expect(real.status).toBe(200);
  });

  it('matches the type case-insensitively and stores the canonical spelling', async () => {
    const c = await click();
    const res = await postback(`clickid=${c}&type=DEPOSIT`);
    expect(res.status).toBe(200);
    expect((await conversionsOf(c))[0]).toMatchObject({ type: 'Deposit', type_key: 'deposit', payout: 5000 });
  });

  it('refuses an unknown type, listing the valid ones', async () => {
    const c = await click();
    const res = await postback(`clickid=${c}&type=sale`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_conversion_type');
    expect(res.body.error.field).toBe('type');
    expect(res.body.error.message).toContain('lead, Deposit');
  });

  it('refuses another currency than the campaign one, naming the expected currency', async () => {
    const c = await click();
    const res = await postback(`clickid=${c}&sum=1&currency=EUR`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('currency');
    expect(res.body.error.message).toContain('USD');
    expect((await postback(`clickid=${c}&sum=1&currency=usd`)).status).toBe(200);
  });

  it('answers a repeat of (click, type, txid) as a duplicate and changes nothing', async () => {
    const c = await click();
    const first = await postback(`clickid=${c}&type=Deposit&txid=abc&status=pending`);
    const ledger = await ledgerOf(ctx.app.db, partnerId);
    const totals = await rollupTotals(ctx.app.db, partnerId);
    const again = await postback(`clickid=${c}&type=deposit&txid=abc&status=approved&sum=99`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: 'ok', conversion_id: first.body.conversion_id, duplicate: true });
    expect(await ledgerOf(ctx.app.db, partnerId)).toEqual(ledger);
    expect(await rollupTotals(ctx.app.db, partnerId)).toEqual(totals);
    expect((await conversionsOf(c))[0].status).toBe('pending');
    // Another txid, or the same txid for another type, is a new conversion.
    expect((await postback(`clickid=${c}&type=Deposit&txid=abd`)).body.duplicate).toBe(false);
    expect((await postback(`clickid=${c}&type=lead&txid=abc`)).body.duplicate).toBe(false);
    expect(await conversionsOf(c)).toHaveLength(3);
  });

  it('records exactly one conversion when 50 identical postbacks arrive at once', async () => {
    const c = await click();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => postback(`clickid=${c}&type=Deposit&txid=race&sum=10`)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const ids = new Set(results.map((r) => r.body.conversion_id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(results.filter((r) => r.body.duplicate === true)).toHaveLength(49);
    const rows = await conversionsOf(c);
    expect(rows).toHaveLength(1);
    expect(await countRows(ctx.app.db, 'ledger_entries', { conversion_id: rows[0].id })).toBe(1);
  });

  it('stays one conversion when batches of several processes race on the same key', async () => {
    // Bypasses this process's writer: each call is its own transaction, as separate API processes would be.
    const c = await click();
    const req = parseConversionRequest({ clickid: c, txid: 'multi', sum: '5' }, Date.now());
    const outcomes = (
      await Promise.all(Array.from({ length: 10 }, () => recordConversionBatch(ctx.app, [req, req])))
    ).flat();
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(19);
    const rows = await conversionsOf(c);
    expect(rows).toHaveLength(1);
    expect(await countRows(ctx.app.db, 'ledger_entries', { conversion_id: rows[0].id })).toBe(1);
  });

  it('answers a resent conversion as a duplicate beside new ones in the same batch, booking only the new', async () => {
    // On PostgreSQL the batch is first tried as one statement, which the existing key refuses as a whole;
    // it is then booked the careful way. Either way: the old one answered with its id, the new ones created.
    const p = await makePartner(ctx.app.db);
    await grantAccess(ctx.app.db, p, campaignId);
    const mk = () => makeClick(ctx.app.db, p, campaignId);
    const [c1, c2, c3] = [await mk(), await mk(), await mk()];
    const first = await recordConversionBatch(ctx.app, [
      parseConversionRequest({ clickid: c1, txid: 'r', sum: '5' }, Date.now()),
    ]);
    const original = first[0]?.kind === 'created' ? first[0].conversionId : -1;
    const again = await recordConversionBatch(
      ctx.app,
      [c2, c1, c3].map((c) => parseConversionRequest({ clickid: c, txid: 'r', sum: '5' }, Date.now())),
    );
    expect(again[1]).toEqual({ kind: 'duplicate', conversionId: original });
    expect(again.filter((o) => o.kind === 'created')).toHaveLength(2);
    for (const c of [c1, c2, c3]) {
      const rows = await conversionsOf(c);
      expect(rows).toHaveLength(1);
      expect(await countRows(ctx.app.db, 'ledger_entries', { conversion_id: rows[0].id })).toBe(1);
    }
    expect((await rollupTotals(ctx.app.db, p)).conv_total).toBe(3);
  });

  it('keeps the rollups equal to the conversions it recorded', async () => {
    const p = await makePartner(ctx.app.db);
    await grantAccess(ctx.app.db, p, campaignId);
    const c1 = await makeClick(ctx.app.db, p, campaignId);
    const c2 = await makeClick(ctx.app.db, p, campaignId);
    await postback(`clickid=${c1}&sum=10&status=pending`);
    await postback(`clickid=${c2}&type=Deposit&sum=100`);
    await postback(`clickid=${c2}&type=Deposit&sum=100&txid=x&status=declined`);
    expect(await rollupTotals(ctx.app.db, p)).toEqual({
      conv_total: 2,
      conv_approved: 1,
      conv_pending: 1,
      conv_declined: 1,
      payout: 5500,
      payout_approved: 5000,
      revenue: 11000,
    });
  });

  it('pays a revshare of the revenue', async () => {
    const rs = await makeCampaign(ctx.app.db, {}, [
      { type: 'Sale', kind: 'revshare', percentBp: 3000, defaultRevenue: 2000 },
    ]);
    const c = await makeClick(ctx.app.db, partnerId, rs);
    const c2 = await makeClick(ctx.app.db, partnerId, rs);
    await postback(`clickid=${c}&sum=100.01`);
    await postback(`clickid=${c2}`);
    expect((await conversionsOf(c))[0]).toMatchObject({ type: 'Sale', revenue: 10001, payout: 3000 });
    expect((await conversionsOf(c2))[0]).toMatchObject({ revenue: 2000, payout: 600 });
  });

  it('credits the referrer a commission at the referred partner rate', async () => {
    const referrer = await makePartner(ctx.app.db);
    const referred = await makePartner(ctx.app.db, { referrer_id: referrer, referral_rate_bp: 1000 });
    const c = await makeClick(ctx.app.db, referred, campaignId);
    const res = await postback(`clickid=${c}&type=Deposit&status=pending`);
    expect(res.status).toBe(200);
    const rc = await ctx.app.db('referral_commissions').where({ conversion_id: res.body.conversion_id }).first();
    expect(rc).toMatchObject({
      referrer_id: referrer,
      referred_id: referred,
      rate_bp: 1000,
      amount: 500,
      status: 'pending',
    });
    const b = await getBalance(ctx.app, referrer);
    expect(b).toMatchObject({ referralPending: 500, referral: 0, available: 0 });
    expect(await getBalance(ctx.app, referred)).toMatchObject({ pending: 5000, available: 0 });
  });
});
