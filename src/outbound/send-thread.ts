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
// One controller per caller signal group (the client watches each signal with a single listener).
const groups = new Map<number, AbortController>();
const groupSignal = (group: number): AbortSignal | undefined => {
  if (group === 0) return undefined;
  let ac = groups.get(group);
  if (!ac) {
    ac = new AbortController();
    groups.set(group, ac);
  }
  return ac.signal;
};
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
    for (const { id, req, group } of m.items) {
      const signal = groupSignal(group);
      void http.send(signal ? { ...req, signal } : req).then((r) => {
        done.push([id, r]);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    }
  } else if (m.t === 'abort') {
    // Created if new, so that attempts of this group arriving later end at once too.
    groupSignal(m.group);
    groups.get(m.group)?.abort();
  } else {
    void http.close().finally(() => {
      // Results of the last attempts first: dropped here they would be recorded as failures and resent.
      if (done.length > 0) flush();
      post({ t: 'closed' });
      port.close();
    });
  }
});
