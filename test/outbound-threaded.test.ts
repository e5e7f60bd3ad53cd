import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeHttpClient } from '../src/outbound/safe-http.js';
import { createThreadedHttpClient } from '../src/outbound/threaded-http.js';

/**
 * The relay's postback client runs createSafeHttpClient in a worker thread (outbound/threaded-http.ts).
 * The SSRF rules themselves are tested in outbound-ssrf.test.ts; here: the same answers come back through
 * the thread, the guard still refuses, deadlines and aborts still end attempts, and close() ends it all.
 */
describe('threaded postback client', () => {
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/busy') {
        res.writeHead(429, { 'retry-after': '120' }).end('slow down');
        return;
      }
      if (path === '/hang') return; // never answers
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends GET and POST through the thread and returns what the partner answered', async () => {
    const http = createThreadedHttpClient({ allowPrivateNetworks: true, timeoutMs: 3000 });
    const [get, post, busy] = await Promise.all([
      http.send({ method: 'GET', url: `${base}/pb?id=1` }),
      http.send({
        method: 'POST',
        url: `${base}/form`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=2',
      }),
      http.send({ method: 'GET', url: `${base}/busy` }),
    ]);
    expect(get).toMatchObject({ ok: true, status: 200, bodySnippet: 'GET /pb?id=1 ' });
    expect(post).toMatchObject({ ok: true, status: 200, bodySnippet: 'POST /form a=1&b=2' });
    expect(busy).toMatchObject({ ok: false, status: 429, headers: { 'retry-after': '120' } });
    expect(get.connectedAddress).toBe('127.0.0.1');
    await http.close();
  });

  it('still refuses private addresses when they are not allowed, in every notation', async () => {
    const http = createThreadedHttpClient({ allowPrivateNetworks: false, timeoutMs: 3000 });
    const port = new URL(base).port;
    const results = await Promise.all(
      [
        `${base}/pb`,
        `http://2130706433:${port}/pb`,
        `http://0x7f.1:${port}/pb`,
        `http://[::ffff:127.0.0.1]:${port}/`,
      ].map((url) => http.send({ method: 'GET', url })),
    );
    for (const r of results) expect(r).toMatchObject({ ok: false, errorClass: 'blocked' });
    await http.close();
  });

  it('ends a hanging attempt at the deadline, and an aborted one as aborted', async () => {
    const http = createThreadedHttpClient({ allowPrivateNetworks: true, timeoutMs: 300 });
    const stop = new AbortController();
    const timedOut = http.send({ method: 'GET', url: `${base}/hang` });
    const aborted = http.send({ method: 'GET', url: `${base}/hang?b`, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    expect(await aborted).toMatchObject({ ok: false, errorClass: 'aborted' });
    expect(await timedOut).toMatchObject({ ok: false, errorClass: 'timeout' });
    await http.close();
  });

  it('a signal aborted before the send ends the attempt at once, in the thread and without it', async () => {
    const stopped = AbortSignal.abort();
    const threaded = createThreadedHttpClient({ allowPrivateNetworks: true, timeoutMs: 3000 });
    const direct = createSafeHttpClient({ allowPrivateNetworks: true, timeoutMs: 3000 });
    for (const http of [threaded, direct]) {
      const r = await http.send({ method: 'GET', url: `${base}/hang`, signal: stopped });
      expect(r).toMatchObject({ ok: false, errorClass: 'aborted' });
      await http.close();
    }
  });

  it('after close, sends end at once as aborted instead of starting a new thread', async () => {
    const http = createThreadedHttpClient({ allowPrivateNetworks: true, timeoutMs: 3000 });
    expect((await http.send({ method: 'GET', url: `${base}/pb` })).ok).toBe(true);
    await http.close();
    expect(await http.send({ method: 'GET', url: `${base}/pb` })).toMatchObject({ ok: false, errorClass: 'aborted' });
  });
});
