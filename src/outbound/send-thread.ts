import { parentPort, workerData } from 'node:worker_threads';
import { type AttemptResult, createSafeHttpClient, type SafeHttpOptions } from './safe-http.js';
import type { ToRelay, ToSender } from './threaded-http.js';

/**
 * The postback sender thread: the same SSRF-safe client as everywhere (createSafeHttpClient), run off the
 * main thread so the relay's sockets, parsing and timers do not slow the S2S intake and the database
 * round trips sharing the main event loop. Results go back in one message per turn of this thread's loop.
 */
const port = parentPort;
if (!port) throw new Error('send-thread must run as a worker thread');
const http = createSafeHttpClient(workerData as SafeHttpOptions);
const controllers = new Map<number, AbortController>();
let done: [number, AttemptResult][] = [];
let scheduled = false;

const post = (m: ToRelay) => port.postMessage(m);
const flush = () => {
  scheduled = false;
  const results = done;
  done = [];
  post({ t: 'done', results });
};

port.on('message', (m: ToSender) => {
  if (m.t === 'send') {
    for (const { id, req, abortable } of m.items) {
      const ac = abortable ? new AbortController() : null;
      if (ac) controllers.set(id, ac);
      void http.send(ac ? { ...req, signal: ac.signal } : req).then((r) => {
        controllers.delete(id);
        done.push([id, r]);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    }
  } else if (m.t === 'abort') {
    for (const id of m.ids) controllers.get(id)?.abort();
  } else {
    void http.close().finally(() => {
      post({ t: 'closed' });
      port.close();
    });
  }
});
