import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { measureText } from './font-metrics.js';
import { textAsPath } from './text-path.js';

/** Renders one label, no font loaded (as the charts do), and gives the box of its dark pixels. */
function inkBox(label: string): { left: number; right: number; top: number; bottom: number } | null {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">${label}</svg>`;
  const img = new Resvg(svg, { font: { loadSystemFonts: false }, background: '#ffffff' }).render();
  const px = img.pixels; // a copy per read: read once
  let box: { left: number; right: number; top: number; bottom: number } | null = null;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if ((px[4 * (y * img.width + x)] as number) > 128) continue;
      box = box
        ? { left: Math.min(box.left, x), right: Math.max(box.right, x), top: Math.min(box.top, y), bottom: y }
        : { left: x, right: x, top: y, bottom: y };
    }
  }
  return box;
}

const contours = (path: string) => (path.match(/z/g) ?? []).length;

describe('textAsPath', () => {
  it('draws the words on the baseline at x, in the shipped font, with no font loaded', () => {
    const box = inkBox(textAsPath('Hello', { x: 20, y: 60, 'font-size': 40, fill: '#000000' }));
    expect(box).not.toBeNull();
    // Inter's cap height is ~0.73 em: "H" stands on the baseline and reaches ~29 px above it.
    expect(box?.bottom).toBeGreaterThanOrEqual(59);
    expect(box?.bottom).toBeLessThanOrEqual(60);
    expect(box?.top).toBeGreaterThanOrEqual(29);
    expect(box?.top).toBeLessThanOrEqual(32);
    expect(box?.left).toBeGreaterThanOrEqual(20);
    expect(box?.left).toBeLessThanOrEqual(25);
    const width = measureText('Hello', 40);
    expect(box?.right).toBeGreaterThan(20 + width - 8);
    expect(box?.right).toBeLessThanOrEqual(20 + width);
  });

  it('anchors at the middle and at the end as text-anchor does', () => {
    const start = inkBox(textAsPath('Sun 29', { x: 200, y: 60, 'font-size': 30, fill: '#000' }));
    const middle = inkBox(
      textAsPath('Sun 29', { x: 200, y: 60, 'font-size': 30, fill: '#000', 'text-anchor': 'middle' }),
    );
    const end = inkBox(textAsPath('Sun 29', { x: 200, y: 60, 'font-size': 30, fill: '#000', 'text-anchor': 'end' }));
    const w = measureText('Sun 29', 30);
    expect(Math.abs((middle?.left ?? 0) - ((start?.left ?? 0) - w / 2))).toBeLessThanOrEqual(1);
    expect(Math.abs((end?.left ?? 0) - ((start?.left ?? 0) - w))).toBeLessThanOrEqual(1);
  });

  it('keeps the words, escaped, and passes paint and transform through', () => {
    const path = textAsPath('  <b>"A&B"</b>\u0000  x ', {
      x: 10,
      y: 20,
      'font-size': 12,
      fill: '#123456',
      transform: 'rotate(-45 10 20)',
      stroke: '#ffffff',
      'paint-order': 'stroke',
    });
    expect(path).toContain('aria-label="&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; x"');
    expect(path).toContain('fill="#123456"');
    expect(path).toContain('transform="rotate(-45 10 20)"');
    expect(path).toContain('paint-order="stroke"');
    expect(path).not.toMatch(/font-size|text-anchor|<text/);
    expect(path).not.toContain('\u0000');
  });

  it('draws accented letters from composite glyphs and bold from the SemiBold outlines', () => {
    const plain = textAsPath('e', { x: 0, y: 20, 'font-size': 20 });
    const accented = textAsPath('é', { x: 0, y: 20, 'font-size': 20 });
    expect(contours(accented)).toBe(contours(plain) + 1);
    const bold = textAsPath('e', { x: 0, y: 20, 'font-size': 20, 'font-weight': 600 });
    expect(contours(bold)).toBe(contours(plain));
    expect(bold).not.toBe(plain);
  });

  it('draws a box for a character the font lacks, and nothing for empty text', () => {
    expect(inkBox(textAsPath('漢', { x: 20, y: 60, 'font-size': 40 }))).not.toBeNull();
    expect(textAsPath(' \n ', { x: 0, y: 0, 'font-size': 12 })).toBe('');
  });
});
