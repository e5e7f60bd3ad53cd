import { describe, expect, it } from 'vitest';
import { formatDecimal } from './money.js';
import {
  checkBodyTemplate,
  checkPostbackTemplate,
  expandJsonBody,
  expandPostback,
  POSTBACK_MACROS,
  previewPostback,
  SAMPLE_CONVERSION,
  suggestMacro,
} from './postback-template.js';

const codes = (url: string) => {
  const r = checkPostbackTemplate(url);
  return r.ok ? [] : r.problems.map((p) => p.code);
};
const messages = (url: string) => {
  const r = checkPostbackTemplate(url);
  return r.ok ? '' : r.problems.map((p) => p.message).join(' | ');
};

describe('checkPostbackTemplate: accepted', () => {
  it.each([
    ['https://partner.example/pb?cid={ref_id}&p={aff_payout}', ['ref_id', 'aff_payout'], 'partner.example'],
    ['http://partner.example:8080/{type}/{status}?tx={txid}', ['type', 'status', 'txid'], 'partner.example'],
    ['HTTPS://Partner.Example/pb', [], 'partner.example'],
    [
      'https://t.example/?a={sub1}&b={sub2}&c={sub3}&d={sub4}&e={sub5}',
      ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'],
      't.example',
    ],
    ['https://t.example/?id={postback_id}&id2={postback_id}', ['postback_id'], 't.example'],
    ['https://t.example/pb?static=1#frag', [], 't.example'],
    ['https://203.0.113.5/pb?x={clickid}', ['clickid'], '203.0.113.5'],
    ['https://[2001:db8::1]/pb?x={clickid}', ['clickid'], '[2001:db8::1]'],
    // WHATWG reads "\\" as "/": the macro is in the path, the host stays fixed.
    ['https://p.example\\{sub1}/pb', ['sub1'], 'p.example'],
  ])('%s', (url, macros, host) => {
    expect(checkPostbackTemplate(url)).toEqual({ ok: true, macros, host });
  });

  it('accepts every macro of the contract', () => {
    const url = `https://p.example/pb?${POSTBACK_MACROS.map((m) => `${m}={${m}}`).join('&')}`;
    const r = checkPostbackTemplate(url);
    expect(r.ok && r.macros).toEqual([...POSTBACK_MACROS]);
  });
});

describe('checkPostbackTemplate: refused', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['ftp://partner.example/pb', 'invalid_scheme'],
    ['javascript://partner.example/%0aalert(1)', 'invalid_scheme'],
    ['file:///etc/passwd', 'invalid_scheme'],
    ['partner.example/pb?x={ref_id}', 'invalid_scheme'],
    ['//partner.example/pb', 'invalid_scheme'],
    ['https://partner.example/pb?x={payout}', 'unknown_macro'],
    ['https://partner.example/pb?x={replace_me}', 'replace_me_in_postback'],
    ['https://partner.example/pb?x={ref_id', 'unclosed_brace'],
    ['https://partner.example/pb?x={ref_id&y={txid}', 'unclosed_brace'],
    ['https://partner.example/pb?x=ref_id}', 'stray_brace'],
    ['https://partner.example/pb?x={}', 'empty_macro'],
    ['https://partner.example/pb?x={{ref_id}}', 'double_brace'],
    ['https://{sub1}.example/pb', 'macro_in_host'],
    ['https://partner.example:{sub1}/pb', 'macro_in_host'],
    ['https://{sub1}/pb', 'macro_in_host'],
    ['https://user:secret@partner.example/pb', 'userinfo'],
    ['https://token@partner.example/pb', 'userinfo'],
    ['https://partner.example/pb#{ref_id}', 'macro_in_fragment'],
    ['https://partner.example/pb?x=a b', 'whitespace'],
    ['https://partner.example/pb?x=a\nb', 'whitespace'],
    ['https://partner.example/pb?x=%7Bref_id%7D', 'encoded_macro'],
    [`https://partner.example/${'a'.repeat(2100)}`, 'too_long'],
    ['https://exa mple.com/', 'whitespace'],
    ['https://exa%mple.com/', 'invalid_url'],
    ['https://256.1.1.1/pb', 'invalid_url'],
    ['https://', 'invalid_url'],
  ])('%j -> %s', (url, code) => {
    expect(codes(url)).toContain(code);
  });

  it('reports every problem at once so the partner fixes them in one go', () => {
    expect(codes('ftp://x.example/?a={payout}&b={replace_me}&c={ref_id')).toEqual([
      'invalid_scheme',
      'unknown_macro',
      'replace_me_in_postback',
      'unclosed_brace',
    ]);
  });

  it('names the unknown macro and the closest known one', () => {
    expect(messages('https://p.example/?a={payout}')).toBe('unknown macro {payout}: did you mean {aff_payout}?');
    expect(messages('https://p.example/?a={refid}')).toMatch(/\{refid\}.*did you mean \{ref_id\}\?/);
    expect(messages('https://p.example/?a={REF_ID}')).toMatch(/did you mean \{ref_id\}/);
  });

  it('lists the known macros when nothing is close, and says which subs exist', () => {
    expect(messages('https://p.example/?a={banana_split}')).toMatch(/\{banana_split\}: known macros: \{ref_id\}/);
    expect(messages('https://p.example/?a={sub6}')).toMatch(/\{sub6\} \(only \{sub1\} to \{sub5\} exist\)/);
  });

  it('explains that {replace_me} belongs to the tracking link', () => {
    expect(messages('https://p.example/?a={replace_me}')).toMatch(/tracking link.*\{ref_id\}/);
  });

  it('refuses credentials in the URL and says why', () => {
    expect(messages('https://u:p@p.example/')).toMatch(/user:password@.*leak into logs/);
  });

  it('says where an unclosed macro starts', () => {
    expect(messages('https://p.example/?a={ref_id')).toMatch(/"\{ref_id" at position 22 is missing its closing "}"/);
  });
});

describe('suggestMacro', () => {
  it.each([
    ['payout', 'aff_payout'],
    ['sum', 'aff_payout'],
    ['click_id', 'clickid'],
    ['clickId', 'clickid'],
    ['click-id', 'clickid'],
    ['clikid', 'clickid'],
    ['transaction_id', 'txid'],
    ['tx_id', 'txid'],
    ['geo', 'country'],
    ['timestamp', 'conversion_time'],
    ['postbackid', 'postback_id'],
    ['campaignid', 'campaign_id'],
    ['staus', 'status'],
    ['Currency', 'currency'],
    ['sub_1', null],
    ['sub9', null],
    ['zzzzzz', null],
  ])('%s -> %s', (name, suggestion) => {
    expect(suggestMacro(name)).toBe(suggestion);
  });
});

describe('expandPostback', () => {
  it('fills every macro with its URL-encoded value', () => {
    const url =
      'https://p.example/pb?cid={ref_id}&amt={aff_payout}&cur={currency}&t={conversion_time}&id={postback_id}';
    expect(
      expandPostback(url, {
        ref_id: 'a b&c=d/e?f#g',
        aff_payout: formatDecimal(1250, 'USD'),
        currency: 'USD',
        conversion_time: 1764000000,
        postback_id: 'd-42',
      }),
    ).toBe('https://p.example/pb?cid=a%20b%26c%3Dd%2Fe%3Ff%23g&amt=12.50&cur=USD&t=1764000000&id=d-42');
  });

  it.each([
    [{ ref_id: 'Zürich' }, 'Z%C3%BCrich'],
    [{ ref_id: '{txid}' }, '%7Btxid%7D'],
    [{ ref_id: '+1%' }, '%2B1%25'],
    [{ ref_id: '' }, ''],
    [{ ref_id: null }, ''],
    [{}, ''],
    [{ ref_id: 0 }, '0'],
    [{ ref_id: 'bad\uD800surrogate' }, 'bad%EF%BF%BDsurrogate'],
  ])('%j -> %j', (values, encoded) => {
    expect(expandPostback('https://p.example/?x={ref_id}', values)).toBe(`https://p.example/?x=${encoded}`);
  });

  it('never lets a value inject a second macro or a new parameter', () => {
    const out = expandPostback('https://p.example/?a={ref_id}&b={txid}', { ref_id: '{txid}&evil=1', txid: 'T' });
    expect(new URL(out).searchParams.get('a')).toBe('{txid}&evil=1');
    expect(new URL(out).searchParams.get('evil')).toBeNull();
  });

  it('fills macros in the path too', () => {
    expect(expandPostback('https://p.example/{type}/{status}', { type: 'sale/x', status: 'approved' })).toBe(
      'https://p.example/sale%2Fx/approved',
    );
  });

  it('leaves text that only looks like a macro alone', () => {
    expect(expandPostback('https://p.example/?a={unknown}&b={ref_id}', { ref_id: 'r' })).toBe(
      'https://p.example/?a={unknown}&b=r',
    );
  });

  it('works for form bodies', () => {
    expect(expandPostback('id={ref_id}&payout={aff_payout}', { ref_id: 'a&b', aff_payout: '1.00' })).toBe(
      'id=a%26b&payout=1.00',
    );
  });

  it('previews with the sample conversion', () => {
    expect(previewPostback('https://p.example/?c={ref_id}&p={aff_payout}')).toBe(
      `https://p.example/?c=${SAMPLE_CONVERSION.ref_id}&p=${SAMPLE_CONVERSION.aff_payout}`,
    );
    expect(Object.keys(SAMPLE_CONVERSION).sort()).toEqual([...POSTBACK_MACROS].sort());
  });
});

describe('expandJsonBody', () => {
  it('escapes values inside JSON strings', () => {
    const tpl = '{"click":"{ref_id}","note":"tx {txid}!"}';
    const out = expandJsonBody(tpl, { ref_id: 'he said "hi"\\\n', txid: '</script>' });
    expect(JSON.parse(out)).toEqual({ click: 'he said "hi"\\\n', note: 'tx </script>!' });
  });

  it('turns a bare macro into a JSON string, keeping money exact', () => {
    const out = expandJsonBody('{"payout": {aff_payout}, "t": {conversion_time}}', {
      aff_payout: '0.10',
      conversion_time: 1764000000,
    });
    expect(JSON.parse(out)).toEqual({ payout: '0.10', t: '1764000000' });
  });

  it('fills a missing value with an empty string and survives escaped quotes in the template', () => {
    const out = expandJsonBody('{"a":"x\\"{sub1}\\"","b":{sub2}}', {});
    expect(JSON.parse(out)).toEqual({ a: 'x""', b: '' });
  });

  it('leaves JSON structure alone', () => {
    expect(expandJsonBody('{"a":{},"b":[{"c":1}]}', {})).toBe('{"a":{},"b":[{"c":1}]}');
  });
});

describe('checkBodyTemplate', () => {
  it.each([
    ['id={ref_id}&p={aff_payout}', 'form', ['ref_id', 'aff_payout']],
    ['{"id":"{ref_id}","p":{aff_payout},"nested":{"s":"{sub1}"}}', 'json', ['ref_id', 'aff_payout', 'sub1']],
    ['{}', 'json', []],
  ] as const)('accepts %s (%s)', (body, format, macros) => {
    expect(checkBodyTemplate(body, format)).toEqual({ ok: true, macros });
  });

  it.each([
    ['id={payout}', 'form', 'unknown_macro'],
    ['id={ref_id', 'form', 'unclosed_brace'],
    ['id=%7Bref_id%7D', 'form', 'encoded_macro'],
    ['{"id":"{payout}"}', 'json', 'unknown_macro'],
    ['{"id":"{replace_me}"}', 'json', 'replace_me_in_postback'],
    ['{"id": {ref_id}', 'json', 'invalid_json'],
    ['{"id": "{ref_id}",}', 'json', 'invalid_json'],
    [`id=${'x'.repeat(9000)}`, 'form', 'too_long'],
  ] as const)('refuses %s (%s) with %s', (body, format, code) => {
    const r = checkBodyTemplate(body, format);
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toContain(code);
  });
});
