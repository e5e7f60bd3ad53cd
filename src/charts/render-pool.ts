/**
 * A small worker_threads pool for chart rendering. A chart costs ~8 ms of CPU (SVG layout, resvg, PNG
 * encode); done inline it blocks every other reply behind it and leaves the second core idle.
 *
 * - Workers start lazily on the first render and are unref()'d while idle, so they never hold the process
 *   open; a busy worker is ref()'d so a process awaiting only a chart does not exit under it.
 * - Each worker is handed up to `perWorker` tasks at once (default 2) and works through them in order: with
 *   one at a time it sat idle from each answer until the busy event loop got round to sending the next task
 *   (one worker, event loop 40 % busy, 110 charts/s: p95 460-580 ms one at a time, 140-240 ms two at a
 *   time). More would only move the wait from the pool's queue into a worker's.
 * - Tasks wait FIFO in a bounded queue. Beyond it the chart is rendered inline: slower for everyone, but the
 *   partner still gets a picture, and the inline cost is the natural back-pressure.
 * - A worker that crashes rejects its tasks (callers send the table without the chart) and is replaced.
 * - If a worker cannot start at all (e.g. no TypeScript loader), the pool renders inline from then on.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { spawnWorker } from '../infra/spawn-worker.js';
import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { rasterise } from './rasterise.js';
import type { RenderRequest, RenderResponse } from './render-worker.js';

export interface RenderPoolOptions {
  /** Worker count; default min(2, cpus). */
  size?: number;
  /** Tasks handed to one worker at a time; default 2. */
  perWorker?: number;
  /** Tasks allowed to wait for a worker before rendering inline; default 32. */
  maxQueue?: number;
  logger?: Pick<Logger, 'debug' | 'warn'>;
  /** For tests: the worker module (default render-worker next to this file). */
  workerUrl?: URL;
}

interface Task {
  id: number;
  spec: ChartSpec;
  resolve: (png: Uint8Array) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Handed to this worker and not answered yet, oldest first. */
  tasks: Task[];
}

/**
 * Two workers even on two cores: the event loop that answers partners is mostly waiting on the database
 * and the network (~40 % busy at 100 reports/s), so leaving it a whole core idles half the machine while
 * charts queue; the OS shares the cores when both are busy (event loop 40 % busy, 110 charts/s: p95
 * 40-75 ms with two workers, 140-240 ms with one). Two, not more: beyond that charts are rarely the
 * bottleneck, and each worker holds its own resvg and parsed font outlines in memory.
 */
const defaultPoolSize = (): number => Math.max(1, Math.min(2, availableParallelism()));

function renderInline(spec: ChartSpec): Uint8Array {
  return rasterise(buildChartSvg(spec));
}

export class RenderPool {
  private readonly size: number;
  private readonly perWorker: number;
  private readonly maxQueue: number;
  private readonly workerUrl: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  /** Set once a worker failed to start: render inline from then on. */
  private broken = false;
  private closed = false;

  constructor(private readonly opts: RenderPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? defaultPoolSize());
    this.perWorker = Math.max(1, opts.perWorker ?? 2);
    this.maxQueue = Math.max(0, opts.maxQueue ?? 32);
    this.workerUrl =
      opts.workerUrl ?? new URL(`./render-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  }

  render(spec: ChartSpec): Promise<Uint8Array> {
    if (this.closed) {
      return Promise.reject(
        new AppError(
          'unavailable',
          'chart_renderer_closed',
          'the chart renderer is shut down; render charts before closeRenderPool()',
        ),
      );
    }
    if (this.broken) return Promise.resolve().then(() => renderInline(spec));
    const free = this.slots.find((s) => s.ready && s.tasks.length < this.perWorker);
    const canGrow = this.slots.length < this.size;
    if (!free && !canGrow && this.queue.length >= this.maxQueue) {
      return Promise.resolve().then(() => renderInline(spec));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, spec, resolve, reject });
      if (!free && canGrow) this.start();
      this.pump();
    });
  }

  /** Stops the workers; queued and running tasks reject with chart_renderer_closed. */
  async close(): Promise<void> {
    this.closed = true;
    const err = () =>
      new AppError(
        'unavailable',
        'chart_renderer_closed',
        'the chart renderer was shut down while this chart waited; retry after restart',
      );
    for (const t of this.queue.splice(0)) t.reject(err());
    const slots = this.slots.splice(0);
    for (const s of slots) for (const t of s.tasks.splice(0)) t.reject(err());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Workers currently alive (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.length;
  }

  private start(): void {
    const slot: Slot = { worker: spawnWorker(this.workerUrl), ready: false, tasks: [] };
    slot.worker.unref();
    this.slots.push(slot);
    slot.worker.on('message', (msg: RenderResponse) => this.onMessage(slot, msg));
    slot.worker.on('error', (err) => this.onGone(slot, err));
    slot.worker.on('exit', (code) => this.onGone(slot, new Error(`chart worker exited with code ${code}`)));
  }

  /** Hands queued tasks to ready workers, the least loaded first, up to perWorker each. */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of this.slots) {
        if (s.ready && s.tasks.length < this.perWorker && (!slot || s.tasks.length < slot.tasks.length)) slot = s;
      }
      if (!slot) return;
      const task = this.queue.shift() as Task;
      slot.tasks.push(task);
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, spec: task.spec } satisfies RenderRequest);
    }
  }

  private onMessage(slot: Slot, msg: RenderResponse): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.pump();
      return;
    }
    // Answers come in order from the real worker; matching by id keeps a stray answer harmless.
    const i = slot.tasks.findIndex((t) => t.id === msg.id);
    const task = i >= 0 ? slot.tasks.splice(i, 1)[0] : undefined;
    if (slot.tasks.length === 0) slot.worker.unref();
    if (task) {
      if (msg.type === 'done') {
        // A Buffer view over the transferred memory: no copy, and callers keep getting a Buffer as before.
        task.resolve(Buffer.from(msg.png.buffer, msg.png.byteOffset, msg.png.byteLength));
      } else {
        const a = msg.error.app;
        task.reject(a ? new AppError(a.kind, a.code, msg.error.message, a.field) : new Error(msg.error.message));
      }
    }
    this.pump();
  }

  private onGone(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // already handled ('error' is followed by 'exit'), or closed
    this.slots.splice(i, 1);
    slot.worker.removeAllListeners('message');
    if (!slot.ready) {
      // Never started: the environment cannot run the worker. Inline from now on, the same pictures.
      this.broken = true;
      this.opts.logger?.debug(
        { err, event: 'chart.pool.inline' },
        'chart worker could not start; rendering charts inline',
      );
      for (const t of this.queue.splice(0)) {
        try {
          t.resolve(renderInline(t.spec));
        } catch (e) {
          t.reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
      return;
    }
    if (slot.tasks.length > 0) {
      this.opts.logger?.warn({ err, event: 'chart.worker.crashed' }, 'chart worker crashed; starting a new one');
      for (const t of slot.tasks.splice(0)) {
        t.reject(
          new AppError(
            'unavailable',
            'chart_renderer_crashed',
            `the chart worker crashed (${err.message}); send the figures without the chart or retry`,
          ),
        );
      }
    }
    if (!this.closed && this.queue.length > 0) this.start();
  }
}
