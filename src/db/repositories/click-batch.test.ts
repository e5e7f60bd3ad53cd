import { describe, expect, it } from 'vitest';
import { clickRollupScript, sqliteLiteral } from './click-batch.js';

describe('sqliteLiteral', () => {
  it.each([
    [null, 'NULL'],
    [42, '42'],
    [-7, '-7'],
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ["'); DROP TABLE clicks; --", "'''); DROP TABLE clicks; --'"],
    ['back\\slash\\', "'back\\slash\\'"],
    ['nul\u0000byte', "'nulbyte'"],
    ['ünï 😀', "'ünï 😀'"],
  ])('%j -> %s', (v, want) => {
    expect(sqliteLiteral(v)).toBe(want);
  });

  it('refuses numbers that are not integers', () => {
    expect(() => sqliteLiteral(1.5)).toThrow(TypeError);
    expect(() => sqliteLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqliteLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

describe('clickRollupScript', () => {
  it('upserts every rollup, counting clicks per key', () => {
    const at = Date.UTC(2026, 10, 24, 10, 30);
    const click = (clickId: string, country: string) => ({
      clickId,
      campaignId: 3,
      partnerId: 7,
      landingId: null,
      refId: null,
      sub1: "o'brien",
      sub2: null,
      sub3: null,
      sub4: null,
      sub5: null,
      country,
      device: 'mobile',
      os: 'iOS',
      browser: 'Mobile Safari',
      ip: '203.0.113.0',
      userAgent: 'UA',
      createdAt: at,
    });
    const script = clickRollupScript([click('a', 'DE'), click('b', 'DE'), click('c', 'FR')]);
    const statements = script.split(';\n');
    expect(statements.map((s) => s.split(' ')[0])).toEqual(['INSERT', 'INSERT', 'INSERT']);
    const hour = Math.floor(at / 3_600_000);
    // rollup_hourly: one row per country, DE counted twice; only the clicks metric is touched.
    expect(statements[0]).toContain(`(7,${hour},3,0,'DE','mobile','iOS','',2)`);
    expect(statements[0]).toContain(`(7,${hour},3,0,'FR','mobile','iOS','',1)`);
    expect(statements[0]).toMatch(/DO UPDATE SET clicks = rollup_hourly\.clicks \+ excluded\.clicks$/);
    expect(statements[1]).toContain(`(7,'all',${hour},'','',3)`);
    expect(statements[1]).toContain(`(7,'geo',${hour},'DE','',2)`);
    // rollup_dim_daily: the same projection keyed by UTC day.
    expect(statements[2]).toContain(`INSERT INTO rollup_dim_daily`);
    expect(statements[2]).toContain(`(7,'geo',${Math.floor(hour / 24)},'DE','',2)`);
  });
});
