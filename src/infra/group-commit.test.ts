import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { createGroupCommit, type GroupCommitOptions } from './group-commit.js';

/** A writer whose batches finish when the test says so; records every batch it was handed. */
function manualWriter(opts: GroupCommitOptions = {}) {
  const batches: number[][] = [];
  const open: { items: number[]; finish: (err?: unknown) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gc = createGroupCommit<number, string>(
    (items) =>
      new Promise((resolve, reject) => {
        batches.push(items);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        open.push({
          items,
          finish: (err) => {
            inFlight -= 1;
            if (err) reject(err);
            else resolve(items.map((i) => `ok ${i}`));
          },
        });
      }),
    opts,
  );
  return { gc, batches, open, maxInFlight: () => maxInFlight };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('group commit', () => {
  it('writes items submitted in the same turn as one batch, in order, each answered with its own outcome', async () => {
    const sizes: number[] = [];
    const gc = createGroupCommit<number, number>(async (items) => items.map((i) => i * 10), {
      onBatch: (n) => sizes.push(n),
    });
    const answers = await Promise.all([1, 2, 3, 4].map((i) => gc.submit(i)));
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(sizes).toEqual([4]);
  });

  it('answers an item only after its batch write has resolved', async () => {
    const w = manualWriter();
    let answered = false;
    const p = w.gc.submit(1).then(() => {
      answered = true;
    });
    await turn();
    expect(w.batches).toEqual([[1]]);
    await turn();
    expect(answered).toBe(false);
    expect(w.gc.pending).toBe(1);
    w.open[0]?.finish();
    await p;
    expect(answered).toBe(true);
    expect(w.gc.pending).toBe(0);
  });

  it('puts whatever queued while a batch was written into the next batch, split at maxBatch', async () => {
    const w = manualWriter({ maxBatch: 3 });
    const first = w.gc.submit(0);
    await turn();
    const later = [1, 2, 3, 4, 5].map((i) => w.gc.submit(i));
    await turn();
    // One batch at a time (concurrency 1): the five wait for the first batch.
    expect(w.batches).toEqual([[0]]);
    w.open[0]?.finish();
    await first;
    expect(w.batches).toEqual([[0], [1, 2, 3]]);
    w.open[1]?.finish();
    await turn();
    expect(w.batches).toEqual([[0], [1, 2, 3], [4, 5]]);
    w.open[2]?.finish();
    expect(await Promise.all(later)).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    const w = manualWriter({ maxBatch: 2, concurrency: 2 });
    const all = Array.from({ length: 10 }, (_, i) => w.gc.submit(i));
    await turn();
    expect(w.batches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    for (let k = 0; k < 5; k++) {
      for (const b of w.open.splice(0)) b.finish();
      await turn();
    }
    expect(await Promise.all(all)).toHaveLength(10);
    expect(w.maxInFlight()).toBe(2);
    expect(w.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses with 503 overloaded once maxQueue items wait, and writes the accepted ones', async () => {
    const w = manualWriter({ maxQueue: 2 });
    const accepted = [w.gc.submit(1), w.gc.submit(2)];
    const refused = w.gc.submit(3);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ kind: 'unavailable', code: 'overloaded' });
    await turn();
    w.open[0]?.finish();
    expect(await Promise.all(accepted)).toEqual(['ok 1', 'ok 2']);
    // Items in flight do not count against the queue: it is waiting work that is bounded.
    const inFlight = w.gc.submit(4);
    await turn();
    const waiting = [w.gc.submit(5), w.gc.submit(6)];
    await expect(w.gc.submit(7)).rejects.toMatchObject({ code: 'overloaded' });
    w.open[1]?.finish();
    expect(await inFlight).toBe('ok 4');
    await turn();
    w.open[2]?.finish();
    expect(await Promise.all(waiting)).toEqual(['ok 5', 'ok 6']);
  });

  it('uses the caller’s errors for overload and shutdown', async () => {
    const gc = createGroupCommit<number>(async () => undefined, {
      maxQueue: 0,
      overloaded: () => new AppError('unavailable', 'overloaded', 'too many clicks'),
      closed: () => new AppError('unavailable', 'shutting_down', 'closing clicks'),
    });
    await expect(gc.submit(1)).rejects.toThrow('too many clicks');
    await gc.close();
    await expect(gc.submit(1)).rejects.toThrow('closing clicks');
  });

  it('rejects only the failed batch’s items, with the error onBatchFailed answers, and carries on', async () => {
    const failures: number[] = [];
    const w = manualWriter({
      maxBatch: 2,
      onBatchFailed: (err, size) => {
        failures.push(size);
        return new AppError('unavailable', 'not_recorded', `batch failed: ${(err as Error).message}`);
      },
    });
    const a = [w.gc.submit(1), w.gc.submit(2)];
    const b = [w.gc.submit(3)];
    await turn();
    w.open[0]?.finish(new Error('disk full'));
    const settled = await Promise.allSettled(a);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'not_recorded' });
    await turn();
    w.open[1]?.finish();
    expect(await Promise.all(b)).toEqual(['ok 3']);
    expect(failures).toEqual([2]);
  });

  it('with isolateFailures writes a failed batch’s items one by one, so only the bad item fails', async () => {
    const sizes: number[] = [];
    const failed: number[] = [];
    const gc = createGroupCommit<number, string>(
      async (items) => {
        if (items.includes(13)) throw new Error(`bad item in ${items.length}`);
        return items.map((i) => `ok ${i}`);
      },
      { isolateFailures: true, onBatch: (n) => sizes.push(n), onBatchFailed: (_e, n) => void failed.push(n) },
    );
    const settled = await Promise.allSettled([11, 12, 13, 14].map((i) => gc.submit(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'ok 11',
      'ok 12',
      'bad item in 1',
      'ok 14',
    ]);
    expect(failed).toEqual([4, 1]);
    expect(sizes).toEqual([1, 1, 1]);
  });

  it('answers a written batch even when a metrics or logging hook throws', async () => {
    const boom = () => {
      throw new Error('hook failed');
    };
    const gc = createGroupCommit<number, number>(
      async (items) => {
        if (items.includes(0)) throw new Error('write failed');
        return items;
      },
      { onBatch: boom, onBatchFailed: boom },
    );
    await expect(Promise.all([gc.submit(1), gc.submit(2)])).resolves.toEqual([1, 2]);
    await expect(gc.submit(0)).rejects.toThrow('write failed');
  });

  it('rejects items a write answered no outcome for', async () => {
    const gc = createGroupCommit<number, number>(async (items) => items.slice(1));
    const settled = await Promise.allSettled([gc.submit(1), gc.submit(2)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('close() writes what was accepted, then refuses with 503 shutting_down', async () => {
    const w = manualWriter();
    const accepted = [w.gc.submit(1), w.gc.submit(2)];
    let closedDone = false;
    const closing = w.gc.close().then(() => {
      closedDone = true;
    });
    await expect(w.gc.submit(3)).rejects.toMatchObject({ kind: 'unavailable', code: 'shutting_down' });
    await turn();
    expect(closedDone).toBe(false);
    w.open[0]?.finish();
    await closing;
    expect(await Promise.all(accepted)).toEqual(['ok 1', 'ok 2']);
    expect(w.batches).toEqual([[1, 2]]);
    await w.gc.close(); // idempotent, resolves at once when idle
  });

  it('lingers for company when idle, and drain() cuts the linger short', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommit<number>(
      async (items) => {
        batches.push(items);
        return undefined;
      },
      { lingerMs: 10_000 },
    );
    const p = [gc.submit(1)];
    await turn();
    p.push(gc.submit(2));
    await turn();
    expect(batches).toEqual([]);
    await gc.drain();
    await Promise.all(p);
    expect(batches).toEqual([[1, 2]]);
  });

  it('does not linger once a full batch waits', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommit<number>(
      async (items) => {
        batches.push(items);
        return undefined;
      },
      { lingerMs: 10_000, maxBatch: 2 },
    );
    await Promise.all([gc.submit(1), gc.submit(2)]);
    expect(batches).toEqual([[1, 2]]);
  });
});
