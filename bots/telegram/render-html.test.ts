import { describe, expect, it } from 'vitest';
import { bold, code, italic, link } from '../core/reply.js';
import { escapeHtml, renderInline, renderLine, renderTable, renderTextBlocks } from './render-html.js';

describe('renderInline escapes & < > in every kind of run', () => {
  const nasty = 'a & b <i>x</i> > c';
  const escaped = 'a &amp; b &lt;i&gt;x&lt;/i&gt; &gt; c';

  it('plain text', () => expect(renderInline(nasty)).toBe(escaped));
  it('bold', () => expect(renderInline(bold(nasty))).toBe(`<b>${escaped}</b>`));
  it('italic', () => expect(renderInline(italic(nasty))).toBe(`<i>${escaped}</i>`));
  it('code', () => expect(renderInline(code(nasty))).toBe(`<code>${escaped}</code>`));
  it('link label and href, quotes included', () => {
    expect(renderInline(link('<Tom & Jerry>', 'https://x.test/?a=1&b="2"<'))).toBe(
      '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;&lt;">&lt;Tom &amp; Jerry&gt;</a>',
    );
  });
  it('does not double-escape: an entity typed by a partner stays visible as typed', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('renderLine / renderTextBlocks', () => {
  it('joins runs of a line and lines with newlines', () => {
    expect(renderLine(['Balance: ', bold('12.34 USD')])).toBe('Balance: <b>12.34 USD</b>');
  });
  it('puts a table in <pre> right after its text, separated by a blank line', () => {
    const html = renderTextBlocks([
      { kind: 'text', lines: [[bold('Report')]] },
      {
        kind: 'table',
        columns: [{ title: 'geo' }, { title: 'clicks', align: 'right' }],
        rows: [
          ['DE', '1200'],
          ['<US>', '7'],
        ],
        totals: ['total', '1207'],
      },
    ]);
    expect(html).toBe(
      [
        '<b>Report</b>',
        '',
        '<pre>geo    clicks',
        '-----  ------',
        'DE       1200',
        '&lt;US&gt;        7',
        '-----  ------',
        'total    1207</pre>',
      ].join('\n'),
    );
  });
  it('pads by characters, so a column with non-ASCII letters stays aligned', () => {
    const html = renderTable({ kind: 'table', columns: [{ title: 'a' }, { title: 'b' }], rows: [['Zürich', '1']] });
    expect(html).toContain('Zürich  1');
    expect(html).toContain('a       b');
  });
});
