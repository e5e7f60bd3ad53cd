import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { encodePng } from './encode-png.js';

/** Pixels as resvg draws them, and as resvg decodes a PNG: an independent decoder checks ours (CRCs too). */
function draw(svg: string): { pixels: Buffer; width: number; height: number } {
  const image = new Resvg(svg, {
    font: { loadSystemFonts: false },
    background: '#ffffff',
  }).render();
  return { pixels: image.pixels, width: image.width, height: image.height };
}

function decode(png: Buffer, width: number, height: number): Buffer {
  const href = `data:image/png;base64,${png.toString('base64')}`;
  return draw(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="${href}"/></svg>`,
  ).pixels;
}

const colourType = (png: Buffer) => png[8 + 8 + 9];

/** Squared RGB distance of two little-endian RGBA words. */
function channelDistance(a: number, b: number): number {
  let sum = 0;
  for (let shift = 0; shift < 24; shift += 8) sum += (((a >>> shift) & 0xff) - ((b >>> shift) & 0xff)) ** 2;
  return sum;
}

const days = Array.from({ length: 30 }, (_, i) => `Nov ${i + 1}`);
const bar: ChartSpec = {
  kind: 'bar',
  title: 'Clicks and payout by country',
  subtitle: 'Oct 2 – Oct 31, UTC',
  categories: ['US', 'DE', 'GB', 'FR'],
  series: [
    { name: 'Clicks', values: [2000, 1500, 900, 300] },
    { name: 'Payout', format: 'money', values: [90_000, 40_000, 50_000, 10_000] },
  ],
};
const line: ChartSpec = {
  kind: 'line',
  title: 'Clicks and payout by day',
  categories: days,
  series: [
    { name: 'Clicks', values: days.map((_, i) => 1000 + 300 * Math.sin(i)) },
    { name: 'Payout', format: 'money', values: days.map((_, i) => 50_000 + 20_000 * Math.cos(i / 2)) },
  ],
};

describe('encodePng', () => {
  it('writes a bar chart (under 256 colours) as a palette image that decodes to exactly the pixels resvg drew', () => {
    const { pixels, width, height } = draw(buildChartSvg(bar));
    const png = encodePng(pixels, width, height);
    expect(colourType(png)).toBe(3);
    expect(decode(png, width, height).equals(pixels)).toBe(true);
  });

  it('writes a line chart of over 256 colours as a palette: only its rarest shades move, to the nearest', () => {
    const { pixels, width, height } = draw(buildChartSvg(line));
    const words = new Uint32Array(pixels.buffer, pixels.byteOffset, width * height);
    const counts = new Map<number, number>();
    for (const c of words) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBeGreaterThan(256);
    const top = new Set(
      [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 256)
        .map(([c]) => c),
    );

    const png = encodePng(pixels, width, height);
    expect(colourType(png)).toBe(3);
    const decoded = decode(png, width, height);
    const out = new Uint32Array(decoded.buffer, decoded.byteOffset, width * height);
    let moved = 0;
    for (let i = 0; i < words.length; i++) {
      const c = words[i] as number;
      if (out[i] === c) continue;
      moved++;
      // A frequent colour is never changed; a rare one becomes one of the frequent ones, the closest.
      expect(top.has(c)).toBe(false);
      expect(top.has(out[i] as number)).toBe(true);
      const nearest = Math.min(...[...top].map((t) => channelDistance(c, t)));
      expect(channelDistance(c, out[i] as number)).toBe(nearest);
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual((width * height) / 1000);
  });

  it('writes lossless RGBA when many pixels have rare colours (a gradient)', () => {
    // 600 x 2 pixels of 600 greys-and-blues: no 256 of them cover 999 in 1000 pixels.
    const width = 600;
    const rgba = new Uint8Array(width * 2 * 4);
    for (let i = 0; i < width * 2; i++) rgba.set([i % 256, Math.floor((i % width) / 256) * 80, 200, 255], 4 * i);
    const png = encodePng(rgba, width, 2);
    expect(colourType(png)).toBe(6);
    expect(decode(png, width, 2).equals(Buffer.from(rgba))).toBe(true);
  });

  it('keeps translucent pixels out of the palette', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128, 0, 0, 0, 0, 255, 255, 255, 255]);
    const png = encodePng(rgba, 2, 2);
    expect(colourType(png)).toBe(6);
  });

  it('accepts a view that does not start on a 4-byte boundary', () => {
    const backing = new Uint8Array(1 + 4 * 4).fill(255);
    const png = encodePng(backing.subarray(1), 2, 2);
    expect(colourType(png)).toBe(3);
    expect(decode(png, 2, 2).equals(Buffer.alloc(16, 255))).toBe(true);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => encodePng(new Uint8Array(15), 2, 2)).toThrow(/expected 16 bytes for 2x2, got 15/);
  });
});
