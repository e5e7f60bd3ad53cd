import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, ConfigError } from '../src/config/index.js';
import { createTrustedProxies } from '../src/http/client-address.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

/**
 * Issue 10 item 5: X-Forwarded-For and CDN country headers count only when the request came through a proxy
 * listed in TRUST_PROXY; the client is then the right-most address that is not a trusted proxy.
 */
const FORGED = { 'x-forwarded-for': '203.0.113.9, 8.8.8.8', 'cf-ipcountry': 'KP' };

async function clickRow(ctx: TestContext, campaign: number, partner: number, headers: Record<string, string>) {
  const res = await fetch(`${ctx.baseUrl}/t/${campaign}?pid=${partner}`, { redirect: 'manual', headers });
  expect(res.status).toBe(302);
  const id = new URL(res.headers.get('location') ?? '').searchParams.get('c');
  return ctx.app.db('clicks').where({ click_id: id }).first();
}

describe.each(DB_FLAVORS)('client address and country on %s', (flavor) => {
  const setUp = async (env: Record<string, string>) => {
    const ctx = await startTestApp(flavor, env);
    const partner = await makePartner(ctx.app.db);
    const campaign = await makeCampaign(ctx.app.db, { landing_url: 'https://offer.example/lp?c={clickid}' });
    await grantAccess(ctx.app.db, partner, campaign);
    return { ctx, partner, campaign };
  };

  describe('TRUST_PROXY unset', () => {
    let w: Awaited<ReturnType<typeof setUp>>;
    beforeAll(async () => {
      w = await setUp({});
    });
    afterAll(async () => w?.ctx.close());

    it('stores the socket address and ignores forwarded and country headers', async () => {
      const row = await clickRow(w.ctx, w.campaign, w.partner, FORGED);
      expect(row.ip).toBe('127.0.0.0');
      expect(row.country).not.toBe('KP');
      const other = await clickRow(w.ctx, w.campaign, w.partner, {
        'cloudfront-viewer-country': 'KP',
        'x-country-code': 'KP',
      });
      expect(other.country).not.toBe('KP');
    });
  });

  describe('TRUST_PROXY=127.0.0.1', () => {
    let w: Awaited<ReturnType<typeof setUp>>;
    beforeAll(async () => {
      w = await setUp({ TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(async () => w?.ctx.close());

    it('takes the right-most untrusted forwarded address and believes the country header', async () => {
      const row = await clickRow(w.ctx, w.campaign, w.partner, FORGED);
      expect(row.ip).toBe('8.8.8.0');
      expect(row.country).toBe('KP');
    });
  });

  describe('TRUST_PROXY with a CIDR covering the next hop', () => {
    let w: Awaited<ReturnType<typeof setUp>>;
    beforeAll(async () => {
      w = await setUp({ TRUST_PROXY: '127.0.0.0/8, 8.8.8.0/24' });
    });
    afterAll(async () => w?.ctx.close());

    it('walks past every trusted hop to the client', async () => {
      const row = await clickRow(w.ctx, w.campaign, w.partner, FORGED);
      expect(row.ip).toBe('203.0.113.0');
    });
  });
});

describe('TRUST_PROXY parsing', () => {
  it('accepts addresses and CIDRs of both families and refuses anything else, naming it', () => {
    expect(buildConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,2001:db8::/32 , 192.0.2.7' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      '2001:db8::/32',
      '192.0.2.7',
    ]);
    expect(buildConfig({}).trustProxy).toEqual([]);
    for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1', '::1/129']) {
      expect(() => buildConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => buildConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });

  it('matches IPv4-mapped IPv6 socket addresses against IPv4 entries', () => {
    const p = createTrustedProxies(['10.0.0.0/8', '::1']);
    expect(p.trusts('10.1.2.3')).toBe(true);
    expect(p.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(p.trusts('::1')).toBe(true);
    expect(p.trusts('11.0.0.1')).toBe(false);
    expect(p.trusts(undefined)).toBe(false);
    expect(createTrustedProxies([]).trusts('127.0.0.1')).toBe(false);
  });
});
