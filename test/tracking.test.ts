import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClickWriter } from '../src/app/tracking/click-writer.js';
import type { NewClick } from '../src/db/repositories/clicks.js';
import { foldAllRollupDeltas } from '../src/db/rollup-fold.js';
import { createLogger } from '../src/infra/logger.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const ALL_MACROS =
  'https://offer.example/lp?cid={clickid}&r={ref_id}&s1={sub1}&s2={sub2}&s5={sub5}&c={campaign_id}&p={pid}' +
  '&geo={country}&d={device}&os={os}&l={landing_id}&keep={aff_click}';

async function click(ctx: TestContext, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(ctx.baseUrl + path, { redirect: 'manual', headers: { 'user-agent': IPHONE, ...headers } });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get('location'),
    headers: res.headers,
    body: text ? JSON.parse(text) : null,
  };
}

function clickRow(campaignId: number, partnerId: number, clickId: string): NewClick {
  return {
    clickId,
    campaignId,
    partnerId,
    landingId: null,
    refId: null,
    sub1: null,
    sub2: null,
    sub3: null,
    sub4: null,
    sub5: null,
    country: '',
    device: 'desktop',
    os: '',
    browser: '',
    ip: '',
    userAgent: '',
    createdAt: Date.now(),
  };
}

describe.each(DB_FLAVORS)('tracking redirect on %s', (flavor) => {
  let ctx: TestContext;
  let partner: number;
  let campaign: number;
  const count = async (table = 'clicks') =>
    Number(((await ctx.app.db(table).count({ n: '*' }).first()) as { n: unknown }).n);

  beforeAll(async () => {
    // The test client is the proxy here: its X-Forwarded-For and CDN country headers stand for the visitor's.
    ctx = await startTestApp(flavor, { TRUST_PROXY: '127.0.0.1,::1' });
    partner = await makePartner(ctx.app.db);
    campaign = await makeCampaign(ctx.app.db, { landing_url: ALL_MACROS });
    await grantAccess(ctx.app.db, partner, campaign);
  });
  afterAll(async () => ctx?.close());
  beforeEach(() => ctx.app.trackingCache.clear());

  it('stores the click and redirects with the click macros filled', async () => {
    const before = await count();
    const res = await click(ctx, `/t/${campaign}?pid=${partner}&ref_id=abc%20123&sub1=fb&sub2=a%26b&sub5=x`, {
      'cf-ipcountry': 'de',
      'x-forwarded-for': '203.0.113.77',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const loc = new URL(res.location ?? '');
    const clickId = loc.searchParams.get('cid') ?? '';
    expect(clickId).toMatch(/^[A-Za-z0-9_-]{23}$/);
    expect(res.location).toBe(
      `https://offer.example/lp?cid=${clickId}&r=abc%20123&s1=fb&s2=a%26b&s5=x&c=${campaign}&p=${partner}` +
        '&geo=DE&d=mobile&os=iOS&l=&keep={aff_click}',
    );
    expect(await count()).toBe(before + 1);
    const row = await ctx.app.db('clicks').where({ click_id: clickId }).first();
    expect(row).toMatchObject({
      campaign_id: campaign,
      partner_id: partner,
      landing_id: null,
      ref_id: 'abc 123',
      sub1: 'fb',
      sub2: 'a&b',
      sub3: null,
      sub5: 'x',
      country: 'DE',
      device: 'mobile',
      os: 'iOS',
      browser: 'Mobile Safari',
      ip: '203.0.113.0',
      user_agent: IPHONE,
    });
    await foldAllRollupDeltas(ctx.app.db);
    const rollup = await ctx.app.db('rollup_hourly').where({ partner_id: partner, country: 'DE', device: 'mobile' });
    expect(rollup.reduce((s, r) => s + Number(r.clicks), 0)).toBeGreaterThanOrEqual(1);
  });

  it('stores hostile parameter values and user agents exactly as sent', async () => {
    const nasty = ["a'b", "x\\'); DROP TABLE clicks; --", '"q" \\n ; -- /* */', 'ünï 😀 ✓', "''''"];
    for (const v of nasty) {
      const ascii = /^[\x20-\x7e]*$/.test(v); // header values must be Latin-1 for fetch
      const ua = ascii ? `Mozilla/5.0 (it's ${v})` : "Mozilla/5.0 (it's)";
      const res = await click(ctx, `/t/${campaign}?pid=${partner}&sub4=${encodeURIComponent(v)}`, { 'user-agent': ua });
      expect(res.status, v).toBe(302);
      const id = new URL(res.location ?? '').searchParams.get('cid');
      const row = await ctx.app.db('clicks').where({ click_id: id }).first();
      expect(row.sub4, v).toBe(v);
      expect(row.user_agent, v).toBe(ua);
    }
    expect(await ctx.app.db.schema.hasTable('clicks')).toBe(true);
  });

  it('finds the country offline from the address when no CDN header is present', async () => {
    const v4 = await click(ctx, `/t/${campaign}?pid=${partner}`, {
      'x-forwarded-for': '8.8.8.8',
      'user-agent': WINDOWS_CHROME,
    });
    expect(v4.status).toBe(302);
    const id4 = new URL(v4.location ?? '').searchParams.get('cid');
    expect(await ctx.app.db('clicks').where({ click_id: id4 }).first()).toMatchObject({
      country: 'US',
      device: 'desktop',
      os: 'Windows',
      browser: 'Chrome',
      ip: '8.8.8.0',
    });
    const v6 = await click(ctx, `/t/${campaign}?pid=${partner}`, { 'x-forwarded-for': '2a00:1450:4001:800::200e' });
    const id6 = new URL(v6.location ?? '').searchParams.get('cid');
    expect(await ctx.app.db('clicks').where({ click_id: id6 }).first()).toMatchObject({
      country: 'DE',
      ip: '2a00:1450:4001::',
    });
  });

  it('sends clicks to the default landing, to the one named by lp, and to the default for an unknown lp', async () => {
    const c = await makeCampaign(ctx.app.db, {
      access: 'public',
      landing_url: 'https://campaign.example/?c={clickid}',
    });
    const [def] = await ctx.app
      .db('landings')
      .insert({ campaign_id: c, name: 'A', url: 'https://a.example/?c={clickid}&l={landing_id}', is_default: true })
      .returning('id');
    const [other] = await ctx.app
      .db('landings')
      .insert({ campaign_id: c, name: 'B', url: 'https://b.example/?c={clickid}&l={landing_id}', is_default: false })
      .returning('id');
    const defId = (def as { id: number }).id;
    const otherId = (other as { id: number }).id;

    const d = await click(ctx, `/t/${c}?pid=${partner}`);
    expect(d.location).toMatch(new RegExp(`^https://a\\.example/\\?c=[\\w-]{23}&l=${defId}$`));
    const b = await click(ctx, `/t/${c}?pid=${partner}&lp=${otherId}`);
    expect(b.location).toMatch(new RegExp(`^https://b\\.example/\\?c=[\\w-]{23}&l=${otherId}$`));
    const unknown = await click(ctx, `/t/${c}?pid=${partner}&lp=999999`);
    expect(unknown.location).toMatch(/^https:\/\/a\.example\//);
    const stored = await ctx.app.db('clicks').where({ campaign_id: c }).orderBy('id').pluck('landing_id');
    expect(stored).toEqual([defId, otherId, defId]);
  });

  describe('deeplink=', () => {
    let shop: number;
    let lpId: number;
    const link = (target: string, extra = '') =>
      `/t/${shop}?pid=${partner}&deeplink=${encodeURIComponent(target)}${extra}`;
    const storedLanding = async (location: string | null, param = 'c') => {
      const id = new URL(location ?? '').searchParams.get(param);
      return (await ctx.app.db('clicks').where({ click_id: id }).first())?.landing_id;
    };

    beforeAll(async () => {
      shop = await makeCampaign(ctx.app.db, {
        access: 'public',
        landing_url: 'https://campaign.example/?c={clickid}',
        deeplink_domains: '["shop.example.com"]',
      });
      const [lp] = await ctx.app
        .db('landings')
        .insert({ campaign_id: shop, name: 'Main', url: 'https://lp.example/?c={clickid}', is_default: true })
        .returning('id');
      lpId = (lp as { id: number }).id;
    });

    it('goes to a page of an allowed host or subdomain, with click macros filled, and stores landing_id null', async () => {
      const before = await count();
      const page = await click(
        ctx,
        link('https://shop.example.com/sale/{sub1}?c={clickid}&r={ref_id}&l={landing_id}#top', '&sub1=fb&ref_id=a b'),
      );
      expect(page.status).toBe(302);
      const clickId = new URL(page.location ?? '').searchParams.get('c') ?? '';
      expect(clickId).toMatch(/^[\w-]{23}$/);
      expect(page.location).toBe(`https://shop.example.com/sale/fb?c=${clickId}&r=a%20b&l=#top`);
      const row = await ctx.app.db('clicks').where({ click_id: clickId }).first();
      expect(row).toMatchObject({
        campaign_id: shop,
        partner_id: partner,
        landing_id: null,
        sub1: 'fb',
        ref_id: 'a b',
      });

      const sub = await click(ctx, link('https://EU.Shop.Example.com/p?cid={clickid}', `&lp=${lpId}`));
      expect(sub.location).toMatch(/^https:\/\/eu\.shop\.example\.com\/p\?cid=[\w-]{23}$/); // deeplink beats lp
      expect(await storedLanding(sub.location, 'cid')).toBeNull();
      expect(await count()).toBe(before + 2);

      const head = await fetch(`${ctx.baseUrl}${link('https://shop.example.com/x?c={clickid}')}`, {
        method: 'HEAD',
        redirect: 'manual',
      });
      expect(head.headers.get('location')).toBe('https://shop.example.com/x?c=');
      expect(await count()).toBe(before + 2);
    });

    it('sends a deeplink that is not allowed to the landing (never elsewhere) and still records the click', async () => {
      const before = await count();
      const refused = [
        'https://evil.example/phish?c={clickid}',
        'https://shop.example.com.evil.net/',
        'https://notshop.example.com/',
        'https://shop.example.com@evil.example/',
        'https://evil.example\\.shop.example.com/',
        'javascript:alert(document.cookie)//shop.example.com',
        'data:text/html,<script>alert(1)</script>',
        '//shop.example.com/no-scheme',
        'https://{sub1}/x',
      ];
      for (const target of refused) {
        const res = await click(ctx, link(target, '&sub1=evil.example'));
        expect(res.status, target).toBe(302);
        expect(res.location, target).toMatch(/^https:\/\/lp\.example\/\?c=[\w-]{23}$/);
        expect(await storedLanding(res.location), target).toBe(lpId);
      }
      const none = await makeCampaign(ctx.app.db, {
        access: 'public',
        landing_url: 'https://own.example/?c={clickid}',
      });
      const noDomains = await click(ctx, `/t/${none}?pid=${partner}&deeplink=https%3A%2F%2Fshop.example.com%2F`);
      expect(noDomains.location).toMatch(/^https:\/\/own\.example\/\?c=[\w-]{23}$/);
      expect(await count()).toBe(before + refused.length + 1);
      const metrics = await api(ctx, 'GET', '/metrics', undefined, null);
      expect(metrics.text).toMatch(/partnerdesk_deeplinks_refused_total\{reason="host"\} [1-9]/);
      expect(metrics.text).toMatch(/partnerdesk_deeplinks_refused_total\{reason="scheme"\} [1-9]/);
    });

    it('refuses an over-long deeplink with 400 naming it, and records nothing', async () => {
      const before = await count();
      const res = await click(ctx, link(`https://shop.example.com/${'x'.repeat(2100)}`));
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('deeplink');
      expect(await count()).toBe(before);
    });
  });

  it('answers 404 and records nothing for unknown, paused or unapproved campaigns and partners', async () => {
    const paused = await makeCampaign(ctx.app.db, { status: 'paused', access: 'public' });
    const pending = await makePartner(ctx.app.db);
    await grantAccess(ctx.app.db, pending, campaign, 'pending');
    const suspended = await makePartner(ctx.app.db, { status: 'suspended' });
    await grantAccess(ctx.app.db, suspended, campaign);
    const stranger = await makePartner(ctx.app.db);
    const before = await count();
    const cases: [string, string, string | undefined][] = [
      [`/t/999999?pid=${partner}`, 'campaign_not_found', undefined],
      [`/t/abc?pid=${partner}`, 'campaign_not_found', undefined],
      [`/t/${paused}?pid=${partner}`, 'campaign_not_found', undefined],
      [`/t/${campaign}?pid=999999`, 'partner_not_found', 'pid'],
      [`/t/${campaign}?pid=${suspended}`, 'partner_not_found', 'pid'],
      [`/t/${campaign}?pid=${pending}`, 'not_approved', 'pid'],
      [`/t/${campaign}?pid=${stranger}`, 'not_approved', 'pid'],
    ];
    for (const [path, code, field] of cases) {
      const res = await click(ctx, path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toBe(code);
      expect(res.body.error.field, path).toBe(field);
      expect(res.body.error.message.length, path).toBeGreaterThan(20);
    }
    expect(await count()).toBe(before);
  });

  it('refuses malformed links with 400 naming the parameter, and records nothing', async () => {
    const before = await count();
    const long = 'x'.repeat(257);
    const cases: [string, string][] = [
      [`/t/${campaign}`, 'pid'],
      [`/t/${campaign}?pid=`, 'pid'],
      [`/t/${campaign}?pid=12abc`, 'pid'],
      [`/t/${campaign}?pid=${partner}&sub3=${long}`, 'sub3'],
      [`/t/${campaign}?pid=${partner}&ref_id=${long}`, 'ref_id'],
      [`/t/${campaign}?pid=${partner}&sub1=a%00b`, 'sub1'],
      [`/t/${campaign}?pid=${partner}&lp=first`, 'lp'],
    ];
    for (const [path, field] of cases) {
      const res = await click(ctx, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.field, path).toBe(field);
    }
    const ok = await click(ctx, `/t/${campaign}?pid=${partner}&sub3=${'y'.repeat(256)}`);
    expect(ok.status).toBe(302);
    expect(await count()).toBe(before + 1);
  });

  it('answers HEAD like GET but stores no click (link checkers are not visitors)', async () => {
    const before = await count();
    const ok = await fetch(`${ctx.baseUrl}/t/${campaign}?pid=${partner}&sub1=chk`, {
      method: 'HEAD',
      redirect: 'manual',
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toMatch(/^https:\/\/offer\.example\/lp\?cid=&r=&s1=chk/);
    const missing = await fetch(`${ctx.baseUrl}/t/999999?pid=${partner}`, { method: 'HEAD', redirect: 'manual' });
    expect(missing.status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('keeps serving a campaign paused a moment ago until the cache is cleared', async () => {
    const c = await makeCampaign(ctx.app.db, { access: 'public' });
    expect((await click(ctx, `/t/${c}?pid=${partner}`)).status).toBe(302);
    await ctx.app.db('campaigns').where({ id: c }).update({ status: 'paused' });
    expect((await click(ctx, `/t/${c}?pid=${partner}`)).status).toBe(302); // within the cache TTL
    ctx.app.trackingCache.clear();
    expect((await click(ctx, `/t/${c}?pid=${partner}`)).status).toBe(404);
  });

  it('stores 200 concurrent clicks, each with its own click id', async () => {
    const c = await makeCampaign(ctx.app.db, { access: 'public', landing_url: 'https://x.example/?c={clickid}' });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => click(ctx, `/t/${c}?pid=${partner}&sub1=n${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(302));
    const ids = new Set(results.map((r) => new URL(r.location ?? '').searchParams.get('c')));
    expect(ids.size).toBe(200);
    const rows = await ctx.app.db('clicks').where({ campaign_id: c }).pluck('click_id');
    expect(new Set(rows)).toEqual(ids);
    await foldAllRollupDeltas(ctx.app.db);
    const rollup = await ctx.app
      .db('rollup_dim_hourly')
      .where({ partner_id: partner, dim: 'campaign', value: String(c) });
    expect(rollup.reduce((s, r) => s + Number(r.clicks), 0)).toBe(200);
    const metrics = await api(ctx, 'GET', '/metrics');
    if (metrics.status === 200) expect(metrics.text).toMatch(/partnerdesk_clicks_total \d+/);
  });

  it('answers every click of a batch the database refuses with 503, then carries on', async () => {
    const writer = createClickWriter({ db: ctx.app.db, logger: createLogger('silent') }, { lingerMs: 20 });
    const good = clickRow(campaign, partner, 'batch-fail-good-000001');
    const bad = clickRow(999_999, partner, 'batch-fail-bad-0000001'); // no such campaign: foreign key refuses
    const results = await Promise.allSettled([writer.write(good), writer.write(bad)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'unavailable', code: 'click_not_recorded' });
    }
    await writer.write(clickRow(campaign, partner, 'batch-fail-after-00001'));
    await writer.close();
    const stored = await ctx.app.db('clicks').where('click_id', 'like', 'batch-fail-%').pluck('click_id');
    expect(stored).toEqual(['batch-fail-after-00001']);
  });

  it('refuses clicks with 503 overloaded when too many are waiting, and stores the accepted ones', async () => {
    const c = await makeCampaign(ctx.app.db, { access: 'public' });
    const writer = createClickWriter({ db: ctx.app.db, logger: createLogger('silent') }, { maxQueue: 1, lingerMs: 20 });
    const row = (clickId: string) => clickRow(c, partner, clickId);
    const first = writer.write(row('overload-test-first-01'));
    await expect(writer.write(row('overload-test-second-2'))).rejects.toMatchObject({ code: 'overloaded' });
    await first;
    await writer.close();
    await expect(writer.write(row('overload-test-third-03'))).rejects.toMatchObject({ code: 'shutting_down' });
    expect(await ctx.app.db('clicks').where({ campaign_id: c }).pluck('click_id')).toEqual(['overload-test-first-01']);
  });
});
