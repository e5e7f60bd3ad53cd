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
  it('writes a bar chart as a palette image that decodes to exactly the pixels resvg drew', () => {
    const { pixels, width, height } = draw(buildChartSvg(bar));
    const png = encodePng(pixels, width, height);
    expect(colourType(png)).toBe(3);
    expect(decode(png, width, height).equals(pixels)).toBe(true);
  });

  it('falls back to RGBA beyond 256 colours, still pixel for pixel', () => {
    const { pixels, width, height } = draw(buildChartSvg(line));
    const png = encodePng(pixels, width, height);
    expect(colourType(png)).toBe(6);
    expect(decode(png, width, height).equals(pixels)).toBe(true);
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
