import type { Knex } from 'knex';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../infra/logger.js';
import { startWalCheckpoints } from './wal-checkpoints.js';

function fakeReadDb(answer: () => Promise<unknown>) {
  const calls: string[] = [];
  const raw = (sql: string) => {
    calls.push(sql);
    return answer();
  };
  const db = { raw } as unknown as Knex;
  return { db, calls };
}

describe('startWalCheckpoints', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a passive checkpoint every interval, never two at once, and stop waits for the running one', async () => {
    vi.useFakeTimers();
    let release: () => void = () => {};
    const { db, calls } = fakeReadDb(() => new Promise<void>((r) => (release = r)));
    const stop = startWalCheckpoints(db, createLogger('silent'), 100);
    await vi.advanceTimersByTimeAsync(350);
    expect(calls).toEqual(['PRAGMA wal_checkpoint(PASSIVE)']); // still running: not stacked
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(2);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
  });

  it('keeps going after a failed checkpoint', async () => {
    vi.useFakeTimers();
    const { db, calls } = fakeReadDb(() => Promise.reject(new Error('SQLITE_BUSY')));
    const stop = startWalCheckpoints(db, createLogger('silent'), 100);
    await vi.advanceTimersByTimeAsync(350);
    expect(calls).toHaveLength(3);
    await stop();
  });
});
