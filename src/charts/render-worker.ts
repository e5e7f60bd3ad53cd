/**
 * Worker-thread side of the chart render pool (render-pool.ts): builds the SVG and rasterises it, so the
 * ~8 ms of CPU per chart leaves the event loop that answers partners. Tasks are handled one after another,
 * in the order they arrive (the pool may hand over the next before this one is done).
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../domain/errors.js';
import { buildChartSvg } from './build-svg.js';
import type { ChartSpec } from './chart-spec.js';
import { rasterise } from './rasterise.js';

export interface RenderRequest {
  id: number;
  spec: ChartSpec;
}

export type RenderResponse =
  | { type: 'ready' }
  | { type: 'done'; id: number; png: Uint8Array }
  | {
      type: 'failed';
      id: number;
      error: { message: string; app?: { kind: AppError['kind']; code: string; field?: string } };
    };

/**
 * A PNG whose bytes own their whole ArrayBuffer, so it can be transferred instead of copied. resvg's Buffer
 * normally does; a view into a shared pool buffer would not, and transferring that would detach the pool.
 */
function ownedBytes(png: Uint8Array): Uint8Array {
  return png.byteOffset === 0 && png.byteLength === png.buffer.byteLength && png.buffer instanceof ArrayBuffer
    ? png
    : new Uint8Array(png);
}

function handle(port: NonNullable<typeof parentPort>, req: RenderRequest): void {
  let png: Uint8Array;
  try {
    png = ownedBytes(rasterise(buildChartSvg(req.spec)));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const app = err instanceof AppError ? { kind: err.kind, code: err.code, field: err.field } : undefined;
    port.postMessage({ type: 'failed', id: req.id, error: { message: e.message, app } } satisfies RenderResponse);
    return;
  }
  const msg: RenderResponse = { type: 'done', id: req.id, png };
  try {
    port.postMessage(msg, [png.buffer as ArrayBuffer]);
  } catch {
    // Not transferable (an external buffer of the native addon): a copy is still correct.
    port.postMessage(msg);
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: RenderRequest) => handle(port, req));
  port.postMessage({ type: 'ready' } satisfies RenderResponse);
}
