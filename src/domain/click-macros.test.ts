import { describe, expect, it } from 'vitest';
import { CLICK_ID_LENGTH, isClickId, newClickId } from './click-id.js';
import { compileLandingTemplate, fillClickMacros, fillLandingTemplate } from './click-macros.js';
import { truncateIp } from './ip.js';

describe('click macros', () => {
  it('fills every click macro, URL-encoded', () => {
    const url = fillClickMacros(
      'https://offer.example/lp?cid={clickid}&r={ref_id}&s1={sub1}&s2={sub2}&s3={sub3}&s4={sub4}&s5={sub5}' +
        '&c={campaign_id}&p={partner_id}&p2={pid}&geo={country}&d={device}&os={os}&b={browser}&lp={landing_id}',
      {
        clickid: 'AbC_-123',
        ref_id: 'x y&z=1',
        sub1: 'a/b',
        sub2: 'ü',
        sub3: '',
        sub4: null,
        campaign_id: 12,
        partner_id: 7,
        country: 'DE',
        device: 'mobile',
        os: 'iOS',
        browser: 'Mobile Safari',
        landing_id: 3,
      },
    );
    expect(url).toBe(
      'https://offer.example/lp?cid=AbC_-123&r=x%20y%26z%3D1&s1=a%2Fb&s2=%C3%BC&s3=&s4=&s5=' +
        '&c=12&p=7&p2=7&geo=DE&d=mobile&os=iOS&b=Mobile%20Safari&lp=3',
    );
  });

  it('matches macro names case-insensitively', () => {
    expect(fillClickMacros('https://x.example/?id={ClickID}', { clickid: 'k' })).toBe('https://x.example/?id=k');
  });

  it('leaves unknown macros as written and reports them once', () => {
    const t = compileLandingTemplate('https://x.example/?a={clickid}&b={replace_me}&c={replace_me}&d={aff_sub}');
    expect(t.unknown).toEqual(['replace_me', 'aff_sub']);
    expect(fillLandingTemplate(t, { clickid: 'k' })).toBe(
      'https://x.example/?a=k&b={replace_me}&c={replace_me}&d={aff_sub}',
    );
  });

  it('keeps a URL without macros unchanged and ignores stray braces', () => {
    expect(fillClickMacros('https://x.example/{}/{a-b}?q={', { clickid: 'k' })).toBe('https://x.example/{}/{a-b}?q={');
  });

  it('cannot be used to inject a header line or a second parameter', () => {
    const url = fillClickMacros('https://x.example/?s={sub1}', { sub1: 'a\r\nSet-Cookie: x=1&admin=1#frag' });
    expect(url).toBe('https://x.example/?s=a%0D%0ASet-Cookie%3A%20x%3D1%26admin%3D1%23frag');
  });

  it('survives a lone surrogate in a value', () => {
    expect(fillClickMacros('https://x.example/?s={sub1}', { sub1: 'a\uD800b' })).toBe(
      'https://x.example/?s=a%EF%BF%BDb',
    );
  });
});

describe('click ids', () => {
  it('are 23 URL-safe characters and never repeat', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newClickId();
      expect(id).toHaveLength(CLICK_ID_LENGTH);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      ids.add(id);
    }
    expect(ids.size).toBe(5000);
  });

  it('carry 96 random bits after the time prefix', () => {
    // Same instant: only the random part differs; every one of its 16 characters takes many values.
    const ids = Array.from({ length: 2000 }, () => newClickId(1_790_000_000_000));
    expect(new Set(ids.map((id) => id.slice(0, 7))).size).toBe(1);
    for (let pos = 7; pos < 23; pos++) {
      expect(new Set(ids.map((id) => id[pos])).size, `position ${pos}`).toBeGreaterThan(50);
    }
  });

  it('sort in time order as text', () => {
    const times = [0, 1, 63, 64, 1_790_000_000_000, 1_790_000_000_001, 1_790_003_600_000, 4_000_000_000_000];
    const ids = times.map((t) => newClickId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('recognises their shape', () => {
    expect(isClickId(newClickId())).toBe(true);
    expect(isClickId('short')).toBe(false);
    expect(isClickId('AAAAAAAAAAAAAAAAAAAAA+/')).toBe(false);
  });
});

describe('ip truncation', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.1.2.3', '10.1.2.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0DB8:0000:0001::1', '2001:db8::'],
    ['2a00:1450:4001:800::200e', '2a00:1450:4001::'],
    ['::1', '::'],
    ['::ffff:198.51.100.9', '198.51.100.0'],
    ['::FFFF:c633:6409', '198.51.100.0'],
    ['fe80::1%eth0', 'fe80::'],
    ['64:ff9b::192.0.2.33', '64:ff9b::'],
    ['', ''],
    ['not-an-ip', ''],
    ['1.2.3', ''],
    ['1.2.3.4.5', ''],
  ])('%s -> %s', (ip, want) => {
    expect(truncateIp(ip)).toBe(want);
  });
});
