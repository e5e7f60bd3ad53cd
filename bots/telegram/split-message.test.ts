import { describe, expect, it } from 'vitest';
import { CAPTION_LIMIT, MESSAGE_LIMIT, splitCaption, splitHtml } from './split-message.js';

/** True when every tag opened in `html` is closed in it, in order. */
function balanced(html: string): boolean {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2] ?? '');
  }
  return stack.length === 0;
}

/** No cut inside an entity: every & starts a complete entity. */
const entitiesWhole = (html: string) => !/&(?![a-z]+;|#\d+;)/.test(html);
const strip = (html: string) => html.replace(/<[^>]*>/g, '');

describe('splitHtml', () => {
  it('leaves a message that fits alone', () => {
    expect(splitHtml('<b>hi</b> there')).toEqual(['<b>hi</b> there']);
  });

  it('splits a long message on line boundaries, every piece under 4096', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} &amp; <b>bold ${i}</b> &lt;x&gt;`);
    const pieces = splitHtml(lines.join('\n'));
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(balanced(p)).toBe(true);
      expect(entitiesWhole(p)).toBe(true);
    }
    // Nothing lost, nothing cut mid-line: the pieces are the lines again.
    expect(pieces.join('\n')).toBe(lines.join('\n'));
  });

  it('closes a <pre> at the cut and re-opens it in the next piece', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `DE   ${String(i).padStart(6)}   &amp;`);
    const pieces = splitHtml(`<b>Report</b>\n\n<pre>${rows.join('\n')}</pre>`);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(1)) expect(p.startsWith('<pre>')).toBe(true);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(balanced(p)).toBe(true);
    }
    expect(pieces.map((p) => strip(p)).join('\n')).toBe(strip(`<b>Report</b>\n\n${rows.join('\n')}`));
  });

  it('cuts an overlong line at a space and keeps a bold run bold on both sides', () => {
    const words = Array.from({ length: 1500 }, (_, i) => `w${i}&amp;`).join(' ');
    const pieces = splitHtml(`<b>${words}</b>`);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(p.startsWith('<b>') && p.endsWith('</b>')).toBe(true);
      expect(entitiesWhole(p)).toBe(true);
    }
  });

  it('cuts a line with no spaces between characters, never inside an entity or a tag', () => {
    const html = `<a href="https://x.test/?a=1&amp;b=2">${'&lt;'.repeat(3000)}</a>`;
    const pieces = splitHtml(html, 1000);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(1000);
      expect(balanced(p)).toBe(true);
      expect(entitiesWhole(p)).toBe(true);
      expect(p.startsWith('<a href="https://x.test/?a=1&amp;b=2">')).toBe(true);
    }
    expect(pieces.map(strip).join('')).toBe('&lt;'.repeat(3000));
  });
});

describe('splitCaption', () => {
  it('keeps a short caption whole', () => {
    expect(splitCaption('<b>Clicks</b>, last 7 days')).toEqual({ caption: '<b>Clicks</b>, last 7 days', overflow: [] });
  });
  it('no caption for empty text', () => {
    expect(splitCaption('')).toEqual({ caption: undefined, overflow: [] });
  });
  it('puts what does not fit in 1024 into following messages', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `caption line ${i} <i>x</i>`);
    const { caption, overflow } = splitCaption(lines.join('\n'));
    expect(caption?.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(overflow.length).toBeGreaterThan(0);
    expect([caption, ...overflow].join('\n')).toBe(lines.join('\n'));
  });
});
