import { spawnWorker } from '../infra/spawn-worker.js';
import type { MjmlAnswer, MjmlJob } from './mjml-thread.js';

const THREAD_URL = new URL(`./mjml-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * MJML to HTML in a short-lived worker thread. Compiling happens once per process, but loading MJML left
 * ~17 MB of its modules in the heap of the digest worker for good (about 40 MB of RSS with the code),
 * a seventh of the role's 300 MB budget; the thread's heap goes away when it exits.
 */
export function compileMjml(job: MjmlJob): Promise<{ html: string; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(THREAD_URL, { workerData: job });
    let answered = false;
    worker.once('message', (a: MjmlAnswer) => {
      answered = true;
      void worker.terminate();
      if ('failed' in a) reject(new Error(`MJML failed: ${a.failed}`));
      else resolve(a);
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`MJML thread exited with code ${code} before answering`));
    });
  });
}
