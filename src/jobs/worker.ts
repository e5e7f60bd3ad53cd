import type { App } from '../app/create-app.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The worker role: BullMQ consumers (postback relay, digests) and their schedulers will start here.
 * Today it idles, so `start` and `worker` already have their final shape and the relay drops in behind
 * this one function.
 */
export async function startWorker(app: App): Promise<RunningWorker> {
  const log = app.logger.child({ component: 'worker' });
  log.info({ event: 'worker.idle' }, 'worker started; the postback relay arrives with the next release');
  return {
    async stop() {
      log.info({ event: 'worker.stopped' }, 'worker stopped');
    },
  };
}
