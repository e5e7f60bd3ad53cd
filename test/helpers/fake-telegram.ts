import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot API server on 127.0.0.1 playing Telegram for the adapter under test: it answers the methods telegraf
 * calls, records every call (JSON and multipart alike), feeds long polling from a queue the test fills with
 * real Update JSON, and answers 429 with retry_after when a test asks for it.
 */

export interface RecordedFile {
  field: string;
  filename: string;
  size: number;
}

export interface RecordedCall {
  method: string;
  /** Fields of the call; JSON-encoded multipart fields (reply_markup) are decoded. */
  // biome-ignore lint/suspicious/noExplicitAny: Bot API payloads are asserted field by field in tests
  params: Record<string, any>;
  files: RecordedFile[];
  /** The HTTP status the fake answered with (429 for a forced flood error). */
  status: number;
}

export interface FakeTelegram {
  /** The value for TELEGRAM_API_ROOT. */
  apiRoot: string;
  calls: RecordedCall[];
  /** Queues an update for getUpdates; update_id is assigned when missing. */
  pushUpdate(update: Record<string, unknown>): number;
  /** The next `times` calls of `method` answer 429 with parameters.retry_after. */
  failWith429(method: string, retryAfterSec: number, times?: number): void;
  /**
   * From now on, calls of `method` whose params match answer 400 with `description`, as Telegram does for a
   * photo URL it cannot fetch ("Bad Request: wrong file identifier/HTTP URL specified"). Returns an undo.
   */
  refuse(method: string, description: string, match?: (params: RecordedCall['params']) => boolean): () => void;
  /** Calls of one method that succeeded. */
  sent(method: string): RecordedCall[];
  /** Resolves when `predicate` holds over the recorded calls (polls; rejects after timeoutMs). */
  waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_BOT = { id: 777000111, is_bot: true, first_name: 'partnerdesk', username: 'partnerdesk_test_bot' };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function parseParams(
  req: IncomingMessage,
  url: URL,
): Promise<{ params: RecordedCall['params']; files: RecordedFile[] }> {
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  const params: RecordedCall['params'] = Object.fromEntries(url.searchParams);
  const files: RecordedFile[] = [];
  if (type.startsWith('multipart/form-data')) {
    // The platform's own multipart parser (undici's Response.formData) keeps this fake small.
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') {
        params[key] = key === 'reply_markup' ? JSON.parse(value) : value;
      } else {
        files.push({ field: key, filename: value.name, size: value.size });
        params[key] = { filename: value.name, size: value.size };
      }
    }
  } else if (body.length) {
    Object.assign(params, JSON.parse(body.toString('utf8')));
  }
  return { params, files };
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const calls: RecordedCall[] = [];
  const queue: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const floods = new Map<string, { retryAfter: number; times: number }>();
  const refusals = new Set<{ method: string; description: string; match?: (p: RecordedCall['params']) => boolean }>();
  let nextUpdateId = 1000;
  let nextMessageId = 1;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const message = (params: RecordedCall['params'], extra: Record<string, unknown>) => ({
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(params['chat_id']), type: 'private' },
    from: FAKE_BOT,
    ...extra,
  });

  async function getUpdates(params: RecordedCall['params'], res: ServerResponse): Promise<unknown> {
    const offset = Number(params['offset'] ?? 0);
    // Telegram forgets updates below the offset: that is how a bot confirms them.
    while (queue.length && Number(queue[0]?.['update_id']) < offset) queue.shift();
    const timeoutSec = Number(params['timeout'] ?? 0);
    if (!queue.length && timeoutSec > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutSec * 1000);
        waiters.add(done);
        res.on('close', done);
      });
    }
    const limit = Number(params['limit'] ?? 100);
    return queue.filter((u) => Number(u['update_id']) >= offset).slice(0, limit);
  }

  async function answer(method: string, params: RecordedCall['params'], res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return FAKE_BOT;
      case 'getUpdates':
        return getUpdates(params, res);
      case 'sendMessage':
        return message(params, { text: params['text'] });
      case 'sendPhoto':
        return message(params, {
          photo: [{ file_id: `photo-${nextMessageId}`, file_unique_id: 'p', width: 1, height: 1 }],
        });
      case 'sendDocument':
        return message(params, { document: { file_id: `doc-${nextMessageId}`, file_unique_id: 'd' } });
      case 'editMessageText':
        return message(params, { text: params['text'] });
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
        return true;
      default:
        return undefined;
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      const send = (status: number, body: unknown) => {
        if (res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (!m?.[2]) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      const method = m[2];
      const { params, files } = await parseParams(req, url);
      const flood = floods.get(method);
      if (flood && flood.times > 0) {
        flood.times--;
        calls.push({ method, params, files, status: 429 });
        return send(429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${flood.retryAfter}`,
          parameters: { retry_after: flood.retryAfter },
        });
      }
      const refusal = [...refusals].find((r) => r.method === method && (r.match?.(params) ?? true));
      if (refusal) {
        calls.push({ method, params, files, status: 400 });
        return send(400, { ok: false, error_code: 400, description: refusal.description });
      }
      const result = await answer(method, params, res);
      if (result === undefined) {
        calls.push({ method, params, files, status: 404 });
        return send(404, { ok: false, error_code: 404, description: `Not Found: method ${method} not faked` });
      }
      if (method !== 'getUpdates') calls.push({ method, params, files, status: 200 });
      send(200, { ok: true, result });
    })().catch((err) => {
      if (!res.writableEnded) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    pushUpdate(update) {
      const update_id = typeof update['update_id'] === 'number' ? update['update_id'] : nextUpdateId++;
      queue.push({ ...update, update_id });
      wake();
      return update_id;
    },
    failWith429(method, retryAfterSec, times = 1) {
      floods.set(method, { retryAfter: retryAfterSec, times });
    },
    refuse(method, description, match) {
      const r = { method, description, ...(match ? { match } : {}) };
      refusals.add(r);
      return () => refusals.delete(r);
    },
    sent: (method) => calls.filter((c) => c.method === method && c.status === 200),
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) {
          const seen = calls.map((c) => `${c.method}(${c.status})`).join(', ');
          throw new Error(`fake Telegram: condition not met in ${timeoutMs} ms; calls so far: ${seen}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
