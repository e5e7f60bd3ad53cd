import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module URL. Node cannot run a .ts worker by itself, and tsx does not pass its
 * loader on to workers (checked with tsx 4.23 both as `tsx file.ts` and via register() in bin/partnerdesk.js),
 * so a .ts worker boots through a tiny script that registers tsx first. A built .js worker starts directly.
 */
export function spawnWorker(url: URL, opts: Pick<WorkerOptions, 'workerData' | 'resourceLimits'> = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, opts);
  const boot = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}

/**
 * The ESM build of tsx's register API (its CJS build registers a hook path that does not exist in tsx 4.23).
 * import.meta.resolve is missing under some transformers (vitest); the .mjs sits beside the .cjs.
 */
function tsxEsmApi(): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}
