import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A partner's postback endpoint on 127.0.0.1: records every request, answers from a per-path script. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: IncomingMessage['headers'];
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers for a path, used in order; the last one repeats. Default: 200 "ok". */
  script(path: string, answers: (Answer | number)[]): void;
  on(path: string): Received[];
  /** Resolves when `n` requests to `path` have arrived. */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** delayMs: answer that much later (a slow partner), so sends stay in flight for a while. */
export async function startReceiver(opts: { delayMs?: number } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      received.push({
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        body: Buffer.concat(chunks).toString(),
        headers: req.headers,
        at: Date.now(),
      });
      const list = scripts.get(u.pathname);
      const a: Answer = (list && list.length > 1 ? list.shift() : list?.[0]) ?? { status: 200, body: 'ok' };
      const answer = () => {
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? '');
      };
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script(path, answers) {
      scripts.set(
        path,
        answers.map((a) => (typeof a === 'number' ? { status: a, body: `answer ${a}` } : a)),
      );
    },
    on,
    async waitFor(path, n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (on(path).length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} requests to ${path}, got ${on(path).length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return on(path);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls `fn` until it returns a truthy value (test plumbing; never a timing assertion). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
