import { describe, expect, it } from 'vitest';
import { measureText, truncateText, wrapText } from './font-metrics.js';
import { alignAxes, niceAxis } from './scale.js';
import { formatShort } from './value-format.js';

describe('niceAxis', () => {
  it('picks round steps that cover the data and include zero', () => {
    expect(niceAxis([3, 437, 874], 5, 1, 5)).toMatchObject({ min: 0, max: 1000, step: 200 });
    expect(niceAxis([-1200, 1500], 5, 1, 5)).toMatchObject({ min: -2000, max: 2000, step: 1000 });
  });

  it('never makes fractional steps for counts and gives all-zero data a scale', () => {
    expect(niceAxis([0, 1, 2], 5, 1, 5).ticks).toEqual([0, 1, 2]);
    expect(niceAxis([0, 0], 5, 1, 5).ticks).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps float noise out of ticks', () => {
    expect(niceAxis([0.1, 0.7], 5, 0.1, 10).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it('aligns two axes on the same gridlines with zero on one line', () => {
    const [l, r] = alignAxes(niceAxis([-500, 1000], 5, 1, 5), niceAxis([0, 30], 5, 1, 5));
    expect(l.ticks.length).toBe(r.ticks.length);
    expect(l.ticks.indexOf(0)).toBe(r.ticks.indexOf(0));
  });
});

describe('formatShort', () => {
  it('shortens money from minor units', () => {
    expect(formatShort(1_234_500, 'money', 'USD')).toBe('$12.3k');
    expect(formatShort(6_000_000, 'money', 'USD')).toBe('$60k');
    expect(formatShort(10_000, 'money', 'USD')).toBe('$100');
    expect(formatShort(1_234, 'money', 'EUR')).toBe('€12.34');
    expect(formatShort(-42_000, 'money', 'USD')).toBe('-$420');
    expect(formatShort(77_221, 'money', 'USD')).toBe('$772');
    expect(formatShort(1250, 'money', 'JPY')).toBe('¥1.3k');
  });

  it('shortens counts and percentages', () => {
    expect(formatShort(999, 'int', 'USD')).toBe('999');
    expect(formatShort(1500, 'int', 'USD')).toBe('1.5k');
    expect(formatShort(2_300_000, 'int', 'USD')).toBe('2.3M');
    expect(formatShort(12.345, 'percent', 'USD')).toBe('12.3%');
  });
});

describe('text fitting', () => {
  it('measures with the shipped font: wider text is wider', () => {
    expect(measureText('WWW', 18)).toBeGreaterThan(measureText('iii', 18));
    expect(measureText('', 18)).toBe(0);
  });

  it('truncates to the width with an ellipsis and leaves short text alone', () => {
    expect(truncateText('US', 100, 18)).toBe('US');
    const cut = truncateText('United States of America', 80, 18);
    expect(cut.endsWith('…')).toBe(true);
    expect(measureText(cut, 18)).toBeLessThanOrEqual(80);
  });

  it('wraps into at most two lines that each fit', () => {
    const lines = wrapText('Another quoted and very long campaign name with many words', 150, 18, 2);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(measureText(l, 18)).toBeLessThanOrEqual(150);
    expect(lines[1]?.endsWith('…')).toBe(true);
    expect(wrapText('Short', 150, 18, 2)).toEqual(['Short']);
  });
});
