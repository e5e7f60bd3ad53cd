import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSafeHttpClient, type ResolveHost, type SafeHttpClient } from '../src/outbound/safe-http.js';

/** A partner endpoint on loopback that remembers every connection and request it saw. */
interface Peer {
  server: Server;
  port: number;
  connections: number;
  requests: { method: string; url: string; host: string; body: string; headers: IncomingMessage['headers'] }[];
}

async function startPeer(): Promise<Peer> {
  const peer: Peer = { server: createServer(), port: 0, connections: 0, requests: [] };
  peer.server.on('connection', () => {
    peer.connections++;
  });
  peer.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      peer.requests.push({ method: req.method!, url: req.url!, host: req.headers.host!, body, headers: req.headers });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
  peer.port = (peer.server.address() as AddressInfo).port;
  return peer;
}

/** The partner endpoint's behaviours, chosen by path. */
function answer(req: IncomingMessage, res: ServerResponse, body: string): unknown {
  const path = req.url!.split('?')[0];
  if (path === '/ok') return res.end('hello partner');
  if (path === '/echo') return res.end(`${req.method} ${body}`);
  if (path === '/fail') return res.writeHead(500).end('database down');
  if (path === '/busy') return res.writeHead(429, { 'retry-after': '120' }).end('slow down');
  if (path === '/redirect') {
    const to = new URL(req.url!, 'http://x').searchParams.get('to')!;
    return res.writeHead(302, { location: to }).end('moved');
  }
  if (path === '/drip') {
    // Headers at once, then one byte a second forever: a receiver that never finishes its answer.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('.');
    const t = setInterval(() => res.write('.'), 1000);
    res.on('close', () => clearInterval(t));
    return;
  }
  if (path === '/hang') return; // never answers at all
  if (path === '/huge') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (sent < 64 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  if (path === '/reset') return req.socket.destroy();
  if (path === '/binary') return res.end(Buffer.from([0x6f, 0x6b, 0x00, 0xff, 0x21]));
  return res.writeHead(404).end('no such path');
}

async function stopPeer(peer: Peer) {
  peer.server.closeAllConnections();
  await new Promise((resolve) => peer.server.close(resolve));
}

/** Plays DNS: names map to fixed answers, and every question is recorded. */
function fakeDns(table: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const answer = table[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(resolve, { asked });
}

let peer: Peer;
let other: Peer;
const clients: SafeHttpClient[] = [];
const client = (opts: Parameters<typeof createSafeHttpClient>[0]) => {
  const c = createSafeHttpClient(opts);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  [peer, other] = await Promise.all([startPeer(), startPeer()]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([stopPeer(peer), stopPeer(other)]);
});

describe('with private networks OFF, nothing private is ever reached', () => {
  const dns = fakeDns({
    'metadata.test': ['169.254.169.254'],
    'loopback.test': ['127.0.0.1'],
    'mixed.test': ['93.184.215.14', '127.0.0.1'],
    'mapped.test': ['::ffff:127.0.0.1'],
  });
  let off: SafeHttpClient;
  beforeAll(() => {
    off = client({ allowPrivateNetworks: false, timeoutMs: 5000, resolve: dns });
  });
  afterEach(() => {
    expect(peer.connections).toBe(0);
  });

  it.each([
    ['a literal loopback address', (p: number) => `http://127.0.0.1:${p}/ok`],
    ['a decimal IPv4 host', (p: number) => `http://2130706433:${p}/ok`],
    ['a hex short-form host', (p: number) => `http://0x7f.1:${p}/ok`],
    ['an octal host', (p: number) => `http://0177.0.0.1:${p}/ok`],
    ['a short-form host', (p: number) => `http://127.1:${p}/ok`],
    ['an IPv4-mapped IPv6 host', (p: number) => `http://[::ffff:127.0.0.1]:${p}/ok`],
    ['an IPv4-mapped IPv6 host in hex', (p: number) => `http://[::ffff:7f00:1]:${p}/ok`],
    ['IPv6 loopback', (p: number) => `http://[::1]:${p}/ok`],
    ['0.0.0.0, which Linux routes to this host', (p: number) => `http://0.0.0.0:${p}/ok`],
    ['a name resolving to 127.0.0.1', (p: number) => `http://loopback.test:${p}/ok`],
    ['a name resolving to a public AND a private address', (p: number) => `http://mixed.test:${p}/ok`],
    ['a name resolving to an IPv4-mapped loopback', (p: number) => `http://mapped.test:${p}/ok`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['the metadata address in decimal', () => 'http://2852039166/latest/meta-data/'],
    ['a name resolving to the metadata address', () => 'http://metadata.test/latest/meta-data/'],
    ['the IPv6 metadata address', () => 'http://[fd00:ec2::254]/latest/meta-data/'],
  ])('refuses %s', async (_label, url) => {
    const r = await off.send({ method: 'GET', url: url(peer.port) });
    expect(r).toMatchObject({ ok: false, errorClass: 'blocked' });
    expect(r.status).toBeUndefined();
    expect(r.errorMessage).toMatch(/public addresses/);
  });

  it('refuses localhost as the system resolver answers it', async () => {
    const real = client({ allowPrivateNetworks: false, timeoutMs: 5000 });
    const r = await real.send({ method: 'GET', url: `http://localhost:${peer.port}/ok` });
    expect(r.errorClass).toBe('blocked');
    expect(r.errorMessage).toMatch(/localhost resolves to .*loopback/);
  });

  it('says which name resolved to which address', async () => {
    const r = await off.send({ method: 'POST', url: 'http://metadata.test/x', body: 'a=1' });
    expect(r.errorMessage).toMatch(/metadata\.test resolves to 169\.254\.169\.254, a metadata address/);
  });
});

describe('with private networks ON (tests, closed networks)', () => {
  const dns = fakeDns({ 'partner.test': ['127.0.0.1'], 'metadata.test': ['169.254.169.254'] });
  let on: SafeHttpClient;
  let short: SafeHttpClient;
  beforeAll(() => {
    on = client({ allowPrivateNetworks: true, timeoutMs: 5000, resolve: dns, userAgent: 'pd-test/1' });
    short = client({ allowPrivateNetworks: true, timeoutMs: 500, maxResponseBytes: 16 * 1024, resolve: dns });
  });

  it('a 2xx is ok, with the body snippet and the connected address', async () => {
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/ok?cid=abc` });
    expect(r).toMatchObject({ ok: true, status: 200, bodySnippet: 'hello partner', connectedAddress: '127.0.0.1' });
    expect(r.errorClass).toBeUndefined();
    expect(peer.requests.at(-1)).toMatchObject({ method: 'GET', url: '/ok?cid=abc' });
    expect(peer.requests.at(-1)!.headers['user-agent']).toBe('pd-test/1');
  });

  it('POSTs a body with the caller’s headers', async () => {
    const r = await on.send({
      method: 'POST',
      url: `http://127.0.0.1:${peer.port}/echo`,
      headers: { 'content-type': 'application/json' },
      body: '{"ref_id":"r1"}',
    });
    expect(r).toMatchObject({ ok: true, bodySnippet: 'POST {"ref_id":"r1"}' });
    expect(peer.requests.at(-1)!.headers['content-type']).toBe('application/json');
  });

  it('connects to the address it checked, sending the name as Host', async () => {
    const r = await on.send({ method: 'GET', url: `http://partner.test:${peer.port}/ok` });
    expect(r).toMatchObject({ ok: true, connectedAddress: '127.0.0.1' });
    expect(peer.requests.at(-1)!.host).toBe(`partner.test:${peer.port}`);
    expect(dns.asked).toContain('partner.test');
  });

  it('a 500 is not ok and keeps the body', async () => {
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/fail` });
    expect(r).toMatchObject({ ok: false, status: 500, bodySnippet: 'database down' });
    expect(r.errorClass).toBeUndefined();
  });

  it('keeps Retry-After for the retry schedule', async () => {
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/busy` });
    expect(r).toMatchObject({ ok: false, status: 429, headers: { 'retry-after': '120' } });
  });

  it('never follows a redirect, even to an address it could reach', async () => {
    const target = `http://127.0.0.1:${other.port}/ok`;
    const url = `http://127.0.0.1:${peer.port}/redirect?to=${encodeURIComponent(target)}`;
    const r = await on.send({ method: 'GET', url });
    expect(r).toMatchObject({ ok: false, status: 302, headers: { location: target } });
    expect(r.bodySnippet).toBe(`Location: ${target}\nmoved`);
    expect(other.connections).toBe(0);
  });

  it('gives up on a slow-drip answer at the deadline', async () => {
    const r = await short.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/drip` });
    // The headers said 200, but an answer that never ends is not a delivery.
    expect(r).toMatchObject({ ok: false, status: 200, errorClass: 'timeout' });
    expect(r.errorMessage).toMatch(/within 500 ms/);
  });

  it('gives up on a receiver that never answers at the deadline', async () => {
    const r = await short.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/hang` });
    expect(r).toMatchObject({ ok: false, errorClass: 'timeout' });
    expect(r.status).toBeUndefined();
  });

  it('gives up on a DNS look-up that never returns at the deadline', async () => {
    const stuck = client({ allowPrivateNetworks: true, timeoutMs: 300, resolve: () => new Promise(() => {}) });
    const r = await stuck.send({ method: 'GET', url: 'http://stuck.test/' });
    expect(r.errorClass).toBe('timeout');
  });

  it('reads a huge answer only up to the cap', async () => {
    const r = await short.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/huge` });
    expect(r).toMatchObject({ ok: true, status: 200, bodyBytes: 16 * 1024, bodyTruncated: true });
    expect(r.bodySnippet).toBe('x'.repeat(1024));
  });

  it('keeps a binary answer storable: no NUL in the snippet', async () => {
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/binary` });
    expect(r).toMatchObject({ ok: true, bodySnippet: 'ok\uFFFD\uFFFD!', bodyBytes: 5 });
  });

  it('stops when the caller aborts (shutdown) and says so', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/hang`, signal: stop.signal });
    expect(r).toMatchObject({ ok: false, errorClass: 'aborted' });
  });

  it('reports a closed port as refused', async () => {
    const closed = await startPeer();
    await stopPeer(closed);
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${closed.port}/ok` });
    expect(r).toMatchObject({ ok: false, errorClass: 'refused' });
  });

  it('reports a dropped connection as reset', async () => {
    const r = await on.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/reset` });
    expect(r).toMatchObject({ ok: false, errorClass: 'reset' });
  });

  it('reports https to a plain-HTTP server as a TLS failure', async () => {
    const r = await on.send({ method: 'GET', url: `https://127.0.0.1:${peer.port}/ok` });
    expect(r).toMatchObject({ ok: false, errorClass: 'tls' });
  });

  it('reports an unknown name as a DNS failure', async () => {
    const r = await on.send({ method: 'GET', url: `http://nowhere.test:${peer.port}/ok` });
    expect(r).toMatchObject({ ok: false, errorClass: 'dns' });
    expect(r.errorMessage).toMatch(/ENOTFOUND/);
  });

  it('still refuses cloud metadata, by literal and by name', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.test/',
      'http://[::ffff:a9fe:a9fe]/',
    ]) {
      expect(await on.send({ method: 'GET', url })).toMatchObject({ ok: false, errorClass: 'blocked' });
    }
  });

  it.each([
    ['not a url', 'invalid_url'],
    ['ftp://127.0.0.1/file', 'invalid_url'],
    ['file:///etc/passwd', 'invalid_url'],
    ['http://user:secret@127.0.0.1/', 'invalid_url'],
  ])('refuses %j without a socket', async (url, errorClass) => {
    expect(await on.send({ method: 'GET', url })).toMatchObject({ ok: false, errorClass });
  });

  it('ignores proxy environment variables', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
    const proxy = `http://127.0.0.1:${other.port}`;
    process.env.HTTP_PROXY = proxy;
    process.env.http_proxy = proxy;
    try {
      const fresh = client({ allowPrivateNetworks: true, timeoutMs: 5000 });
      const r = await fresh.send({ method: 'GET', url: `http://127.0.0.1:${peer.port}/ok` });
      expect(r).toMatchObject({ ok: true, bodySnippet: 'hello partner' });
      expect(other.connections).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
