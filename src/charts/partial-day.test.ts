import { describe, expect, it } from 'vitest';
import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { placeEndLabels } from './end-labels.js';
import { measureText } from './font-metrics.js';

/** 30 days rising to ~200 clicks a day, then today's partial 14 (the plunge partners complained about). */
function thirtyDays(partial: boolean): ChartSpec {
  const categories = Array.from({ length: 30 }, (_, i) => `Nov ${i + 1}`);
  const clicks = categories.map((_, i) => 120 + i * 3);
  clicks[29] = 14;
  const payout = categories.map((_, i) => 5000 + i * 50);
  payout[29] = 300;
  return {
    kind: 'line',
    title: 'Clicks and payout by day',
    categories,
    series: [
      { name: 'Clicks', values: clicks, format: 'int' },
      { name: 'Payout', values: payout, format: 'money' },
    ],
    ...(partial ? { partial: { index: 29, label: 'today so far' } } : {}),
  };
}

describe("today's partial day on a line chart", () => {
  it('is drawn dashed with a legend note; a chart without it has neither', () => {
    const svg = buildChartSvg(thirtyDays(true));
    expect(svg).toContain('today so far');
    // The legend swatch, two dashed segments (one per series) and two dashed points.
    expect(svg.match(/stroke-dasharray/g)?.length).toBe(5);
    const whole = buildChartSvg(thirtyDays(false));
    expect(whole).not.toContain('today so far');
    expect(whole).not.toContain('stroke-dasharray');
  });

  it('a bar chart fades the partial bar instead', () => {
    const spec: ChartSpec = { ...thirtyDays(true), kind: 'bar', series: [thirtyDays(true).series[0]!] };
    expect(buildChartSvg(spec).match(/fill-opacity="0.4"/g)?.length).toBe(2); // the bar and the legend swatch
  });
});

describe('end labels', () => {
  it('never cover a point or each other, even where both lines plunge into the same corner', () => {
    const size = 16;
    const r = 5.5;
    // The last two points of each series, the ends 14 px apart near the bottom-right corner.
    const a1 = { x: 840, y: 190 };
    const a2 = { x: 866, y: 465 };
    const b1 = { x: 840, y: 215 };
    const b2 = { x: 866, y: 474 };
    const placed = placeEndLabels(
      [
        { at: a2, text: '14', color: 'blue' },
        { at: b2, text: '$3', color: 'orange' },
      ],
      {
        points: [a1, a2, b1, b2],
        segments: [
          [a1, a2],
          [b1, b2],
        ],
        pointRadius: r,
      },
      { left: 80, right: 872, top: 120, bottom: 484 },
      size,
    );
    const boxes = placed.map((p) => ({
      left: p.x,
      right: p.x + measureText(p.text, size, true),
      top: p.baseline - size * 0.8,
      bottom: p.baseline + size * 0.2,
    }));
    for (const b of boxes) {
      for (const c of [a1, a2, b1, b2]) {
        const dx = c.x - Math.max(b.left, Math.min(c.x, b.right));
        const dy = c.y - Math.max(b.top, Math.min(c.y, b.bottom));
        expect(dx * dx + dy * dy).toBeGreaterThanOrEqual(r * r);
      }
      expect(b.right).toBeLessThanOrEqual(872);
      expect(b.bottom).toBeLessThanOrEqual(484);
    }
    const [p, q] = boxes;
    expect(p!.right <= q!.left || q!.right <= p!.left || p!.bottom <= q!.top || q!.bottom <= p!.top).toBe(true);
  });
});
