import type { App } from '../app/create-app.js';
import { type RelayOptions, startRelay } from './relay.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The worker role: the postback relay (BullMQ consumer, outbox dispatcher, reconciler). Digests will start
 * here too. `start` runs it beside HTTP; `worker` runs only this, any number of times.
 */
export async function startWorker(app: App, opts: RelayOptions = {}): Promise<RunningWorker> {
  const relay = await startRelay(app, opts);
  return { stop: () => relay.close() };
}
