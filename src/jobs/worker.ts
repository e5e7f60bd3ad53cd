import type { App } from '../main/create-app.js';
import { type RelayOptions, startRelay } from './relay.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The worker role: the postback relay (BullMQ consumer, outbox dispatcher, reconciler). Digests will start
 * here too. `start` runs it beside HTTP; `worker` runs only this, any number of times.
 *
 * On SQLite, one process (`start`) is the recommended mode: a second process on the same file contends for
 * its single write lock, and SQLite's busy_timeout waits by sleeping, so api + worker as two processes
 * deliver an order of magnitude less than one. Separate `worker` processes are for PostgreSQL (scale-out).
 */
export async function startWorker(app: App, opts: RelayOptions = {}): Promise<RunningWorker> {
  const relay = await startRelay(app, opts);
  return { stop: () => relay.close() };
}
