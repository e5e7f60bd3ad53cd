import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { buildChartSvg, type ChartSpec, createChartRenderer } from './index.js';

const charts = createChartRenderer();
const renderChart = (spec: ChartSpec) => charts.render(spec);
afterAll(() => charts.close());

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), data: buf.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}

function header(png: Uint8Array): { width: number; height: number; colorType: number } {
  const ihdr = chunks(png)[0];
  if (ihdr?.type !== 'IHDR') throw new Error('first chunk is not IHDR');
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4), colorType: ihdr.data[9] ?? -1 };
}

/** The top-left pixel: on the first row every PNG filter leaves the first pixel's bytes as they are. */
function firstPixel(png: Uint8Array): number[] {
  const idat = Buffer.concat(
    chunks(png)
      .filter((c) => c.type === 'IDAT')
      .map((c) => c.data),
  );
  const raw = inflateSync(idat);
  const { colorType } = header(png);
  if (colorType === 3) {
    // A palette image: the byte is an index into PLTE's RGB triples.
    const plte = chunks(png).find((c) => c.type === 'PLTE')?.data ?? Buffer.alloc(0);
    const i = raw[1] ?? 0;
    return [...plte.subarray(3 * i, 3 * i + 3)];
  }
  const channels = colorType === 6 ? 4 : 3;
  return [...raw.subarray(1, 1 + channels)];
}

const days = ['Nov 1', 'Nov 2', 'Nov 3'];
const base: ChartSpec = {
  kind: 'line',
  title: 'Clicks per day',
  subtitle: 'Nov 1 – Nov 3, Europe/Berlin',
  categories: days,
  series: [{ name: 'Clicks', values: [120, 340, 90] }],
};

describe('renderChart', () => {
  it('returns a PNG of the default phone-friendly size on a white background', async () => {
    const png = await renderChart(base);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect(header(png)).toMatchObject({ width: 960, height: 540 });
    expect(firstPixel(png).slice(0, 3)).toEqual([255, 255, 255]);
  });

  it('honours the requested width and height', async () => {
    const png = await renderChart({ ...base, width: 640, height: 400 });
    expect(header(png)).toMatchObject({ width: 640, height: 400 });
  });

  it('draws different data as different pictures', async () => {
    const a = Buffer.from(await renderChart(base));
    const b = Buffer.from(await renderChart({ ...base, series: [{ name: 'Clicks', values: [120, 341, 90] }] }));
    const c = Buffer.from(await renderChart({ ...base, kind: 'bar' }));
    expect(a.equals(b)).toBe(false);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(Buffer.from(await renderChart(base)))).toBe(true);
  });

  it('escapes XML in titles, labels and series names instead of breaking the SVG', async () => {
    const spec: ChartSpec = {
      kind: 'bar',
      title: 'Payout <script>alert("x")</script> & co',
      subtitle: 'Partner\'s "best" geos',
      categories: ['<b>US</b>', 'A&B', 'bad\u0000control\u0007chars', 'lone \ud800 surrogate'],
      series: [{ name: 'Pay<out>', format: 'money', values: [100, 200, 300, 400] }],
    };
    const svg = buildChartSvg(spec);
    expect(svg).toContain('&lt;b&gt;US&lt;/b&gt;');
    expect(svg).toContain('A&amp;B');
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('\u0000');
    const png = await renderChart(spec);
    expect(header(png).width).toBe(960);
  });

  it('shows "No data for this period" for empty input rather than throwing', async () => {
    for (const spec of [
      { ...base, categories: [], series: [] },
      { ...base, series: [] },
      { ...base, series: [{ name: 'Clicks', values: [] }] },
      { ...base, series: [{ name: 'Clicks', values: [Number.NaN, Number.NaN, Number.NaN] }] },
    ]) {
      expect(buildChartSvg(spec)).toContain('No data for this period');
      expect(header(await renderChart(spec)).width).toBe(960);
    }
  });

  it('draws all-zero data as a chart (zero is a figure, not missing data)', async () => {
    const spec: ChartSpec = { ...base, kind: 'bar', series: [{ name: 'Payout', format: 'money', values: [0, 0, 0] }] };
    const svg = buildChartSvg(spec);
    expect(svg).not.toContain('No data');
    expect(svg).toContain('$10'); // a readable scale instead of a zero-height one
    expect((await renderChart(spec)).length).toBeGreaterThan(1000);
  });

  it('renders the edge cases: one category, 60 categories, long labels, negative profit, two series', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `Campaign number ${i + 1}`);
    const specs: ChartSpec[] = [
      { kind: 'bar', title: 'One', categories: ['US'], series: [{ name: 'Clicks', values: [5] }] },
      { kind: 'line', title: 'One day', categories: ['Nov 1'], series: [{ name: 'Clicks', values: [5] }] },
      { kind: 'bar', title: 'Sixty', categories: many, series: [{ name: 'Clicks', values: many.map((_, i) => i) }] },
      {
        kind: 'bar',
        title: 'x'.repeat(400),
        subtitle: 'y'.repeat(400),
        categories: ['z'.repeat(300), 'a b c '.repeat(60)],
        series: [{ name: 'n'.repeat(200), values: [1, 2] }],
      },
      {
        kind: 'bar',
        title: 'Profit',
        categories: ['A', 'B', 'C'],
        series: [{ name: 'Profit', format: 'money', values: [150_000, -42_000, 0] }],
        currency: 'EUR',
      },
      {
        kind: 'line',
        title: 'Clicks and CR',
        categories: days,
        series: [
          { name: 'Clicks', values: [1000, 2000, 1500] },
          { name: 'CR', format: 'percent', values: [1.5, -0.5, 2.25] },
        ],
      },
    ];
    for (const spec of specs) {
      const png = await renderChart(spec);
      expect(header(png)).toMatchObject({ width: 960, height: 540 });
    }
    const profit = buildChartSvg(specs[4] as ChartSpec);
    expect(profit).toContain('-€420');
    expect(profit).toContain('€1.5k');
  });

  it('truncates a very long title with an ellipsis', () => {
    const svg = buildChartSvg({ ...base, title: 'Payout '.repeat(50) });
    // The first label drawn is the title; its words stay on the outline path as its aria-label.
    const title = /<path aria-label="([^"]*)"[^>]* d="M[^"]+"/.exec(svg)?.[1] ?? '';
    expect(title.startsWith('Payout Payout')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThan(80);
  });

  it('puts the second series on a right-hand axis only when units or sizes differ', () => {
    const twoMoney = buildChartSvg({
      ...base,
      series: [
        { name: 'Payout', format: 'money', values: [100, 200, 300] },
        { name: 'Revenue', format: 'money', values: [200, 400, 600] },
      ],
    });
    expect(twoMoney).not.toContain('(right axis)');
    const mixed = buildChartSvg({
      ...base,
      series: [
        { name: 'Clicks', values: [1000, 2000, 3000] },
        { name: 'Conversions', values: [10, 20, 30] },
      ],
    });
    expect(mixed).toContain('Conversions (right axis)');
  });

  it('refuses more than two series with an AppError naming the field', async () => {
    const spec: ChartSpec = {
      ...base,
      series: [1, 2, 3].map((i) => ({ name: `S${i}`, values: [1, 2, 3] })),
    };
    await expect(renderChart(spec)).rejects.toBeInstanceOf(AppError);
    await expect(renderChart(spec)).rejects.toMatchObject({ code: 'invalid_chart', field: 'series' });
  });
});
