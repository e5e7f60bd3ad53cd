import { describe, expect, it } from 'vitest';
import { allocate, formatDecimal, formatMoney, parseCurrency, parseMoney, shareOf } from './money.js';

describe('parseMoney', () => {
  it.each([
    ['12.34', 1234],
    ['12,34', 1234],
    ['12', 1200],
    [' 12.5 ', 1250],
    ['0', 0],
    ['0.01', 1],
    ['12.500', 1250],
    ['999999999', 99999999900],
  ])('parses %j exactly', (raw, minor) => {
    expect(parseMoney(raw, 'payout')).toBe(minor);
  });

  it('never goes through floats: 0.1 + 0.2 style inputs stay exact', () => {
    expect(parseMoney('0.29', 'sum')).toBe(29);
    expect(parseMoney('1.005', 'sum', 'KWD')).toBe(1005);
    expect(parseMoney(19.99, 'sum')).toBe(1999);
  });

  it.each(['abc', '-1', '-0.5', 'NaN', '1e309', '1e3', 'Infinity', '', '1.2.3', '1,000.00', '12.345', '0x10', '+5'])(
    'refuses %j naming the field',
    (raw) => {
      expect(() => parseMoney(raw, 'payout')).toThrow(/payout/);
    },
  );

  it('refuses absurd lengths and implausible amounts', () => {
    expect(() => parseMoney('1'.repeat(40), 'sum')).toThrow(/too long/);
    expect(() => parseMoney('999999999999999', 'sum')).toThrow(/implausibly large/);
    expect(() => parseMoney(Number.NaN, 'sum')).toThrow(/sum/);
    expect(() => parseMoney(null, 'sum')).toThrow(/sum must be a decimal/);
  });

  it('knows currencies without minor units', () => {
    expect(parseMoney('1250', 'payout', 'JPY')).toBe(1250);
    expect(() => parseMoney('12.5', 'payout', 'JPY')).toThrow(/0 decimals/);
  });
});

describe('formatting', () => {
  it('formats minor units back to decimals', () => {
    expect(formatDecimal(1234)).toBe('12.34');
    expect(formatDecimal(5)).toBe('0.05');
    expect(formatDecimal(-1250)).toBe('-12.50');
    expect(formatDecimal(1250, 'JPY')).toBe('1250');
    expect(formatMoney(123450, 'USD')).toBe('$1,234.50');
    expect(formatMoney(1200, 'EUR')).toBe('€12.00');
  });
});

describe('shareOf and allocate', () => {
  it('takes basis-point shares in integers, rounding half up', () => {
    expect(shareOf(1999, 2500)).toBe(500);
    expect(shareOf(1000, 500)).toBe(50);
    expect(shareOf(1, 5000)).toBe(1);
  });

  it('splits a total so the parts add up exactly', () => {
    expect(allocate(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    const parts = allocate(100, Array(1000).fill(1));
    expect(parts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(allocate(10, [])).toEqual([]);
    expect(allocate(10, [0, 0])).toEqual([0, 0]);
  });
});

describe('parseCurrency', () => {
  it('upper-cases valid codes and refuses others', () => {
    expect(parseCurrency('usd')).toBe('USD');
    expect(() => parseCurrency('US Dollar')).toThrow(/3-letter ISO code/);
  });
});
