import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  decideRetry,
  isEndpointFailure,
  jitter,
  parseRetryAfter,
} from './retry-schedule.js';

const now = Date.UTC(2026, 10, 24);
const half = () => 0.5; // no jitter
const decide = (outcome: Parameters<typeof decideRetry>[0]['outcome'], attempts: number, schedule?: number[]) =>
  decideRetry({ outcome, attempts, now, random: half, schedule });

describe('retry schedule', () => {
  it('reaches about three days over ten attempts', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(10);
    expect(total / 3_600_000).toBeGreaterThan(60);
    expect(total / 3_600_000).toBeLessThan(80);
  });

  it('2xx is delivered', () => {
    expect(decide({ status: 204 }, 1)).toEqual({ kind: 'delivered' });
  });

  it('5xx and network errors retry on the schedule until exhausted', () => {
    expect(decide({ status: 503 }, 1)).toEqual({ kind: 'retry', delayMs: 10_000 });
    expect(decide({ errorClass: 'timeout' }, 2)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(decide({ errorClass: 'refused' }, 10)).toMatchObject({ kind: 'dead' });
  });

  it('jitter stays within ±20 %', () => {
    expect(jitter(1000, () => 0)).toBe(800);
    expect(jitter(1000, () => 0.999999)).toBe(1200);
  });

  it('410 disables the postback at once', () => {
    expect(decide({ status: 410 }, 1)).toMatchObject({ kind: 'disable' });
  });

  it('other 4xx give up after two attempts, 408 and 429 keep retrying', () => {
    expect(decide({ status: 404 }, 1)).toMatchObject({ kind: 'retry' });
    expect(decide({ status: 404 }, 2)).toMatchObject({ kind: 'dead' });
    expect(decide({ status: 429 }, 2)).toMatchObject({ kind: 'retry' });
    expect(decide({ status: 408 }, 5)).toMatchObject({ kind: 'retry' });
    expect(decide({ errorClass: 'blocked' }, 2)).toMatchObject({ kind: 'dead' });
  });

  it('honours Retry-After within [schedule step, 24 h]', () => {
    expect(decide({ status: 503, retryAfter: '120' }, 1)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decide({ status: 503, retryAfter: '1' }, 1)).toEqual({ kind: 'retry', delayMs: 10_000 });
    expect(decide({ status: 429, retryAfter: '999999' }, 1)).toEqual({ kind: 'retry', delayMs: 86_400_000 });
    const date = new Date(now + 300_000).toUTCString();
    expect(decide({ status: 429, retryAfter: date }, 1)).toEqual({ kind: 'retry', delayMs: 300_000 });
  });

  it('parses Retry-After forms and ignores junk', () => {
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('a shortened schedule works the same way', () => {
    expect(decide({ status: 500 }, 1, [0, 50, 50])).toEqual({ kind: 'retry', delayMs: 50 });
    expect(decide({ status: 500 }, 3, [0, 50, 50])).toMatchObject({ kind: 'dead' });
  });

  it('counts outages, not refusals, against the endpoint', () => {
    expect(isEndpointFailure({ status: 502 })).toBe(true);
    expect(isEndpointFailure({ errorClass: 'timeout' })).toBe(true);
    expect(isEndpointFailure({ status: 404 })).toBe(false);
    expect(isEndpointFailure({ errorClass: 'blocked' })).toBe(false);
  });
});
