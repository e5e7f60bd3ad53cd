import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../infra/spawn-worker.js';
import type { AttemptResult, SafeHttpClient, SafeHttpOptions, SafeRequest } from './safe-http.js';

type WireRequest = Omit<SafeRequest, 'signal'>;
/** `group`: which caller signal ends the request (0: none); one abort message stops a whole group. */
export type ToSender =
  | { t: 'send'; items: { id: number; req: WireRequest; group: number }[] }
  | { t: 'abort'; group: number }
  | { t: 'close' };
export type ToRelay = { t: 'done'; results: [number, AttemptResult][] } | { t: 'closed' };

interface Pending {
  resolve: (r: AttemptResult) => void;
  started: number;
}

const SENDER_URL = new URL(`./send-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * A SafeHttpClient whose sends run in a worker thread (send-thread.ts), for the relay: at thousands of
 * postbacks a second the HTTP client's work is a third of the main thread, which also serves the S2S intake
 * and makes every SQLite round trip. Requests made in one turn of the loop travel in one message. Same
 * contract as createSafeHttpClient: never throws, and if the thread dies its sends end as errors (the relay
 * retries them) and the next send starts a new thread. Options must be cloneable: no custom `resolve`.
 */
export function createThreadedHttpClient(opts: Omit<SafeHttpOptions, 'resolve'>): SafeHttpClient {
  let worker: Worker | null = null;
  let closing: Promise<void> | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let outbox: { id: number; req: WireRequest; group: number }[] = [];
  let scheduled = false;
  // One listener per caller signal (the relay passes its shutdown signal with every send), not one per send.
  const groups = new WeakMap<AbortSignal, number>();
  let nextGroup = 1;
  const groupOf = (signal: AbortSignal): number => {
    let g = groups.get(signal);
    if (g === undefined) {
      const group = nextGroup++;
      g = group;
      groups.set(signal, group);
      signal.addEventListener('abort', () => worker?.postMessage({ t: 'abort', group } satisfies ToSender), {
        once: true,
      });
    }
    return g;
  };

  // After a requested close, what is left was cut short on purpose: 'aborted' (retried, no breaker failure).
  const fail = (message: string) => {
    const errorClass = closing ? 'aborted' : 'other';
    for (const [id, p] of pending) settle(id, p, { errorClass, errorMessage: message });
  };
  const settle = (id: number, p: Pending, r: Partial<AttemptResult> | AttemptResult) => {
    pending.delete(id);
    p.resolve({
      ok: false,
      bodySnippet: '',
      bodyBytes: 0,
      bodyTruncated: false,
      headers: {},
      durationMs: Math.round(performance.now() - p.started),
      ...r,
    });
    if (pending.size === 0) worker?.unref();
  };
  const thread = (): Worker => {
    if (worker) return worker;
    // Its heap holds only requests in flight; a cap keeps the thread's share of RSS small and known.
    const w = spawnWorker(SENDER_URL, { workerData: opts, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    w.on('message', (m: ToRelay) => {
      if (m.t !== 'done') return;
      for (const [id, r] of m.results) {
        const p = pending.get(id);
        if (p) settle(id, p, r);
      }
    });
    const gone = (why: string) => {
      if (worker !== w) return;
      worker = null;
      fail(`the postback sender thread stopped (${why}); the attempt will be retried`);
    };
    w.on('error', (err) => gone(err.message));
    w.on('exit', (code) => gone(`exit code ${code}`));
    worker = w;
    return w;
  };
  const flush = () => {
    scheduled = false;
    // Requests settled meanwhile (the thread died and failed them) must not be sent after all.
    const items = outbox.filter((it) => pending.has(it.id));
    outbox = [];
    if (items.length === 0) return;
    if (closing) {
      for (const it of items) {
        const p = pending.get(it.id);
        if (p) settle(it.id, p, { errorClass: 'aborted', errorMessage: 'the sender is shutting down' });
      }
      return;
    }
    const w = thread();
    w.ref();
    w.postMessage({ t: 'send', items } satisfies ToSender);
  };

  return {
    send(req) {
      const { signal, ...wire } = req;
      return new Promise<AttemptResult>((resolve) => {
        const id = nextId++;
        const p: Pending = { resolve, started: performance.now() };
        pending.set(id, p);
        if (closing) return settle(id, p, { errorClass: 'aborted', errorMessage: 'the sender is shutting down' });
        if (signal?.aborted) return settle(id, p, { errorClass: 'aborted', errorMessage: 'stopped before sending' });
        outbox.push({ id, req: wire, group: signal ? groupOf(signal) : 0 });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    close() {
      closing ??= (async () => {
        const w = worker;
        if (!w) return;
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          w.once('exit', done);
          w.on('message', (m: ToRelay) => m.t === 'closed' && done());
          w.postMessage({ t: 'close' } satisfies ToSender);
        });
        await w.terminate();
      })();
      return closing;
    },
  };
}
