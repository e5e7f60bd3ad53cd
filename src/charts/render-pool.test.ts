import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors.js';
import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { rasterise } from './rasterise.js';
import { RenderPool } from './render-pool.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const spec: ChartSpec = {
  kind: 'bar',
  title: 'Payout by country',
  categories: ['US', 'DE', 'GB'],
  series: [{ name: 'Payout', format: 'money', values: [12_000, 8_000, 3_000] }],
  currency: 'USD',
};

/**
 * A stand-in worker speaking the render-worker protocol: title "crash" kills it mid-task, "hang" never
 * answers, anything else gets four fake bytes. Lets the pool's failure paths be tested without timing.
 */
const FAKE_WORKER = new URL(
  `data:text/javascript,${encodeURIComponent(`
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, spec }) => {
  if (spec.title === 'crash') process.exit(3);
  if (spec.title === 'hang') return;
  const png = new Uint8Array([1, 2, 3, 4]);
  parentPort.postMessage({ type: 'done', id, png }, [png.buffer]);
});
parentPort.postMessage({ type: 'ready' });
`)}`,
);
const BROKEN_WORKER = new URL(`data:text/javascript,${encodeURIComponent("throw new Error('no loader here');")}`);

const pools: RenderPool[] = [];
function pool(opts: ConstructorParameters<typeof RenderPool>[0]): RenderPool {
  const p = new RenderPool(opts);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('chart render pool', () => {
  it('renders on a worker thread the same PNG as inline rendering', async () => {
    const p = pool({ size: 2 });
    const [a, b] = await Promise.all([p.render(spec), p.render({ ...spec, kind: 'line' })]);
    expect(p.workerCount).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from(a ?? []), Buffer.from(rasterise(buildChartSvg(spec))))).toBe(0);
    expect([...(b ?? []).subarray(0, 8)]).toEqual(SIGNATURE);
    // Transferred, not copied into a larger shared buffer.
    expect(a?.byteLength).toBe(a?.buffer.byteLength);
  });

  it('keeps AppError code and field from the worker', async () => {
    const p = pool({ size: 1 });
    const s = spec.series[0] as ChartSpec['series'][number];
    const err = await p.render({ ...spec, series: [s, s, s] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_chart', field: 'series' });
  });

  it('rejects the task of a crashed worker and replaces the worker', async () => {
    const p = pool({ size: 1, workerUrl: FAKE_WORKER });
    await expect(p.render({ ...spec, title: 'crash' })).rejects.toMatchObject({ code: 'chart_renderer_crashed' });
    expect([...(await p.render(spec))]).toEqual([1, 2, 3, 4]);
    expect(p.workerCount).toBe(1);
  });

  it('hands a worker its next task before the previous one is answered', async () => {
    const p = pool({ size: 1, perWorker: 2, maxQueue: 0, workerUrl: FAKE_WORKER });
    await p.render(spec); // the worker is up and idle
    const hung = p.render({ ...spec, title: 'hang' }).catch((e: unknown) => e);
    // Sent to the busy worker at once, not held back until "hang" answers: the fake's bytes come back.
    expect([...(await p.render(spec))]).toEqual([1, 2, 3, 4]);
    await p.close();
    expect(await hung).toMatchObject({ code: 'chart_renderer_closed' });
  });

  it('rejects every task a crashed worker held', async () => {
    const p = pool({ size: 1, perWorker: 2, workerUrl: FAKE_WORKER });
    await p.render(spec);
    const hung = p.render({ ...spec, title: 'hang' }).catch((e: unknown) => e);
    await expect(p.render({ ...spec, title: 'crash' })).rejects.toMatchObject({ code: 'chart_renderer_crashed' });
    expect(await hung).toMatchObject({ code: 'chart_renderer_crashed' });
    expect([...(await p.render(spec))]).toEqual([1, 2, 3, 4]);
  });

  it('renders inline when the worker cannot start', async () => {
    const p = pool({ size: 1, workerUrl: BROKEN_WORKER });
    const png = await p.render(spec);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect([...(await p.render(spec)).subarray(0, 8)]).toEqual(SIGNATURE);
  });

  it('renders inline beyond the queue bound, and close() rejects what is still waiting', async () => {
    const p = pool({ size: 1, perWorker: 1, maxQueue: 1, workerUrl: FAKE_WORKER });
    await p.render(spec); // the worker is up and idle
    const hung = p.render({ ...spec, title: 'hang' }).catch((e: unknown) => e);
    const queued = p.render(spec).catch((e: unknown) => e);
    // The worker is busy and the queue full: this one is drawn in this thread, a real PNG.
    const inline = await p.render(spec);
    expect([...inline.subarray(0, 8)]).toEqual(SIGNATURE);
    await p.close();
    expect(await hung).toMatchObject({ code: 'chart_renderer_closed' });
    expect(await queued).toMatchObject({ code: 'chart_renderer_closed' });
    await expect(p.render(spec)).rejects.toMatchObject({ code: 'chart_renderer_closed' });
  });
});
