import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

/** POSTBACK_ALLOW_PRIVATE_NETWORKS is off here, as in production. */
describe.each(DB_FLAVORS)('postback settings API on %s', (flavor) => {
  let ctx: TestContext;
  let partnerId: number;
  let campaignId: number;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    ({ partnerId, campaignId } = await makeApprovedPair(ctx.app.db));
  });
  afterAll(async () => ctx?.close());

  const save = (body: Record<string, unknown>) =>
    api(ctx, 'POST', '/api/v1/postbacks', { partner_id: partnerId, ...body });

  it.each([
    ['http://localhost/pb?id={postback_id}', 'postback_host_blocked'],
    ['http://127.0.0.1/pb', 'postback_host_blocked'],
    ['http://2130706433/pb', 'postback_host_blocked'],
    ['http://0x7f.1/pb', 'postback_host_blocked'],
    ['http://[::ffff:127.0.0.1]/pb', 'postback_host_blocked'],
    ['http://169.254.169.254/latest/meta-data', 'postback_host_blocked'],
    ['http://10.0.0.8/pb', 'postback_host_blocked'],
  ])('refuses %s when saved (SSRF)', async (url, code) => {
    const res = await save({ url });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, field: 'url' });
  });

  it('names an unknown macro, refuses {replace_me}, unclosed braces and other schemes', async () => {
    const unknown = await save({ url: 'https://t.example.com/pb?c={clik_id}' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_macro');
    expect(unknown.body.error.message).toContain('{clik_id}');
    const replace = await save({ url: 'https://t.example.com/pb?c={replace_me}' });
    expect(replace.body.error.code).toBe('replace_me_in_postback');
    const unclosed = await save({ url: 'https://t.example.com/pb?c={ref_id' });
    expect(unclosed.body.error.code).toBe('unclosed_brace');
    const ftp = await save({ url: 'ftp://t.example.com/pb' });
    expect(ftp.body.error.code).toBe('invalid_scheme');
    const long = await save({ url: `https://t.example.com/${'a'.repeat(3000)}` });
    expect(long.body.error.code).toBe('too_long');
    const bodyOnGet = await save({ url: 'https://t.example.com/pb', body_format: 'json', body_template: '{}' });
    expect(bodyOnGet.body.error.code).toBe('body_needs_post');
    expect(await ctx.app.db('postbacks')).toHaveLength(0);
  });

  it('refuses unknown statuses and campaigns, naming the field', async () => {
    const bad = await save({ url: 'http://93.184.215.14/pb', statuses: ['paid'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('statuses.0');
    const camp = await save({ url: 'http://93.184.215.14/pb', campaign_id: 99999 });
    expect(camp.body.error).toMatchObject({ code: 'unknown_campaign', field: 'campaign_id' });
  });

  it('previews a URL with the sample conversion', async () => {
    const res = await api(ctx, 'POST', '/api/v1/postbacks/preview', {
      url: 'https://t.example.com/pb?c={ref_id}&p={aff_payout}&id={postback_id}',
    });
    expect(res.status).toBe(200);
    expect(res.body.url).toBe('https://t.example.com/pb?c=your-click-id-123&p=12.50&id=pb-sample-000001');
    const bad = await api(ctx, 'POST', '/api/v1/postbacks/preview', { url: 'https://t.example.com/?x={nope}' });
    expect(bad.status).toBe(400);
  });

  it('creates, lists, updates and deletes a postback at a public address', async () => {
    // A literal public address needs no DNS, so this runs offline.
    const created = await save({ url: 'http://93.184.215.14/pb?c={ref_id}', statuses: ['approved'] });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ partner_id: partnerId, campaign_id: null, method: 'GET', enabled: true });
    const list = await api(ctx, 'GET', `/api/v1/postbacks?partner_id=${partnerId}`);
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual([created.body.id]);
    expect(list.body.items[0].preview_url).toBe('http://93.184.215.14/pb?c=your-click-id-123');
    const upd = await api(ctx, 'PATCH', `/api/v1/postbacks/${created.body.id}`, {
      method: 'POST',
      body_format: 'form',
      body_template: 'tx={txid}',
    });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body).toMatchObject({ method: 'POST', body_format: 'form', statuses: ['approved'] });
    const badUpd = await api(ctx, 'PATCH', `/api/v1/postbacks/${created.body.id}`, { url: 'http://127.0.0.1/' });
    expect(badUpd.status).toBe(400);
    const del = await api(ctx, 'DELETE', `/api/v1/postbacks/${created.body.id}`);
    expect(del.body).toEqual({ id: created.body.id, deleted: true });
    expect((await api(ctx, 'GET', `/api/v1/postbacks/${created.body.id}`)).status).toBe(404);
  });

  it('needs an API key', async () => {
    expect((await api(ctx, 'GET', '/api/v1/postbacks', undefined, null)).status).toBe(401);
  });

  describe('at send time', () => {
    let relay: RunningRelay;
    let rx: Receiver;
    beforeAll(async () => {
      rx = await startReceiver();
      relay = await startRelay(ctx.app, { prefix: randomPrefix(), retrySchedule: [0, 100, 100], dispatchPollMs: 50 });
    });
    afterAll(async () => {
      await relay?.close();
      await rx?.close();
    });

    it('a postback to 127.0.0.1 that slipped past the save check is still refused, never sent', async () => {
      const now = Date.now();
      // Written straight to the table: as if saved before a DNS change, or by an older version.
      const [row] = await ctx.app
        .db('postbacks')
        .insert({ partner_id: partnerId, url: `${rx.url}/ssrf?id={postback_id}`, created_at: now, updated_at: now })
        .returning('id');
      const postbackId = typeof row === 'object' ? row.id : row;
      const click = await makeRichClick(ctx.app.db, partnerId, campaignId);
      expect((await api(ctx, 'GET', `/postback?clickid=${click}&type=lead`, undefined, null)).status).toBe(200);
      const d = await eventually(async () => {
        const r = await ctx.app.db('postback_deliveries').where({ postback_id: postbackId }).first();
        return r?.state === 'dead' ? r : null;
      });
      expect(d.last_error_class).toBe('blocked');
      const attempts = await ctx.app.db('postback_attempts').where({ delivery_id: d.id });
      expect(attempts.map((a) => a.error_class)).toEqual(['blocked', 'blocked']);
      expect(rx.received).toHaveLength(0);
    });
  });
});
