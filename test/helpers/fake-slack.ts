import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack Web API on 127.0.0.1 for the adapter under test (the WebClient's `slackApiUrl`). It records every call
 * with its parsed arguments (form-encoded with JSON-encoded fields, JSON, or multipart), answers the methods the
 * app uses with plausible `ok: true` payloads, plays the upload host of files.uploadV2 and the `response_url`
 * endpoint, and can be told to fail a method the ways Slack does: HTTP 429 with `Retry-After`, or `ok: false`
 * with an error such as `invalid_blocks`, `not_in_channel`, `expired_trigger_id`.
 */

export interface SlackCall {
  /** Web API method (`chat.postMessage`), `upload` for the upload URL, `response_url` for a response_url post. */
  method: string;
  /** Parsed arguments; form fields holding JSON (`blocks`, `view`, `files`, ...) are decoded. */
  // biome-ignore lint/suspicious/noExplicitAny: Slack payloads are asserted field by field in tests
  args: Record<string, any>;
  /** The token the call carried (Authorization header or `token` field), for multi-workspace checks. */
  token: string | undefined;
  /** For `upload` and `response_url`: the id in the path (file id or response id). */
  pathId?: string;
  /** Bytes received by the upload URL. */
  size?: number;
  /** HTTP status answered (429 for a forced rate limit). */
  status: number;
  /** The `error` answered with `ok: false`, if any. */
  error?: string;
}

export type SlackErrorCode = 'invalid_blocks' | 'not_in_channel' | 'expired_trigger_id' | (string & {});

export interface FakeSlack {
  /** The value for SLACK_API_URL (ends with `/api/`). */
  apiUrl: string;
  /** Base URL of the server, for response_url and upload URLs. */
  baseUrl: string;
  calls: SlackCall[];
  /** A response_url the app may post to; calls arrive as method `response_url` with `pathId` = id. */
  responseUrl(id?: string): string;
  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, retryAfterSec: number, times?: number): void;
  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failWith(method: string, error: SlackErrorCode, times?: number): void;
  /** Members returned by conversations.members for a channel. */
  setMembers(channel: string, users: string[]): void;
  /** Calls of one method that were answered ok. */
  sent(method: string): SlackCall[];
  /** Resolves when `predicate` holds over the recorded calls (polls; rejects after timeoutMs). */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Forgets recorded calls (not the failure plans). */
  clear(): void;
  close(): Promise<void>;
}

export const FAKE_SLACK_TEAM = { id: 'T0FAKE0001', name: 'Fake Workspace', domain: 'fake-workspace' };
export const FAKE_SLACK_BOT = { botId: 'B0FAKEBOT1', botUserId: 'U0FAKEBOT1', appId: 'A0FAKEAPP1' };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Slack's client JSON-encodes nested values into form fields; decode those that look like JSON. */
function decodeField(value: string): unknown {
  const t = value.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

async function parseArgs(req: IncomingMessage): Promise<{ args: SlackCall['args']; size: number }> {
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  const args: SlackCall['args'] = {};
  let size = body.length;
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    size = 0;
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') args[key] = decodeField(value);
      else {
        size += value.size;
        args[key] = { filename: value.name, size: value.size };
      }
    }
  } else if (type.startsWith('application/json')) {
    if (body.length) Object.assign(args, JSON.parse(body.toString('utf8')));
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = decodeField(v);
  }
  return { args, size };
}

export interface FakeSlackOptions {
  /** Called as each call is recorded (benches time replies with it). */
  onCall?: (call: SlackCall) => void;
  /** Keep no record of calls (long benches); onCall still sees them. */
  record?: boolean;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const recorded: SlackCall[] = [];
  const calls = {
    push(c: SlackCall) {
      opts.onCall?.(c);
      if (opts.record !== false) recorded.push(c);
    },
  };
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const errors = new Map<string, { error: string; times: number }>();
  const members = new Map<string, string[]>();
  const uploads = new Map<string, { filename: string; title?: string }>();
  let seq = 1;
  let baseUrl = '';

  const ts = () => `${Math.floor(Date.now() / 1000)}.${String(seq++).padStart(6, '0')}`;
  const id = (prefix: string) => `${prefix}${String(seq++).padStart(9, '0')}`;

  const view = (args: SlackCall['args'], viewId?: string) => {
    const v = (args['view'] ?? {}) as Record<string, unknown>;
    return {
      ok: true,
      view: {
        ...v,
        id: viewId ?? (args['view_id'] as string | undefined) ?? id('V'),
        team_id: FAKE_SLACK_TEAM.id,
        hash: `${Date.now()}.${seq++}`,
        state: { values: {} },
        app_id: FAKE_SLACK_BOT.appId,
        bot_id: FAKE_SLACK_BOT.botId,
      },
    };
  };

  function answer(method: string, args: SlackCall['args']): Record<string, unknown> | undefined {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${FAKE_SLACK_TEAM.domain}.slack.invalid/`,
          team: FAKE_SLACK_TEAM.name,
          user: 'partnerdesk',
          team_id: FAKE_SLACK_TEAM.id,
          user_id: FAKE_SLACK_BOT.botUserId,
          bot_id: FAKE_SLACK_BOT.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return {
          ok: true,
          channel: args['channel'],
          ts: ts(),
          message: { type: 'message', text: args['text'], blocks: args['blocks'], bot_id: FAKE_SLACK_BOT.botId },
        };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'chat.update':
        return { ok: true, channel: args['channel'], ts: args['ts'], text: args['text'] };
      case 'views.open':
      case 'views.push':
        return view(args);
      case 'views.update':
        return view(args, args['view_id'] as string | undefined);
      case 'views.publish':
        return view(args);
      case 'conversations.open': {
        // U0ABC -> D0ABC: the same DM id the signing helpers give a user's direct messages.
        const users = String(args['users'] ?? '').split(',')[0] ?? '';
        return { ok: true, channel: { id: `D${users.slice(1) || 'X'}` } };
      }
      case 'conversations.members':
        return {
          ok: true,
          members: members.get(String(args['channel'])) ?? [],
          response_metadata: { next_cursor: '' },
        };
      case 'conversations.info':
        return { ok: true, channel: { id: args['channel'], is_member: true } };
      case 'files.getUploadURLExternal': {
        const fileId = id('F');
        uploads.set(fileId, { filename: String(args['filename'] ?? '') });
        return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(args['files']) ? args['files'] : []) as { id: string; title?: string }[];
        return {
          ok: true,
          files: files.map((f) => ({
            id: f.id,
            title: f.title ?? uploads.get(f.id)?.filename,
            name: uploads.get(f.id)?.filename,
          })),
        };
      }
      case 'oauth.v2.access':
        return {
          ok: true,
          app_id: FAKE_SLACK_BOT.appId,
          authed_user: { id: 'U0INSTALLER' },
          scope: 'commands,chat:write,im:history,files:write',
          token_type: 'bot',
          access_token: `xoxb-fake-${seq++}`,
          bot_user_id: FAKE_SLACK_BOT.botUserId,
          team: { id: FAKE_SLACK_TEAM.id, name: FAKE_SLACK_TEAM.name },
          enterprise: null,
          is_enterprise_install: false,
        };
      case 'users.info':
        return { ok: true, user: { id: args['user'], tz: 'UTC', is_bot: false, profile: {} } };
      default:
        return undefined;
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        if (res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      const { args, size } = await parseArgs(req);
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (args['token'] as string | undefined);

      const upload = /^\/upload\/([^/]+)$/.exec(url.pathname);
      if (upload?.[1]) {
        calls.push({ method: 'upload', args, token, pathId: upload[1], size, status: 200 });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${size}`);
        return;
      }
      const respond = /^\/response\/([^/]+)$/.exec(url.pathname);
      if (respond?.[1]) {
        calls.push({ method: 'response_url', args, token, pathId: respond[1], status: 200 });
        return send(200, { ok: true });
      }
      const m = /^\/api\/([A-Za-z0-9.]+)$/.exec(url.pathname);
      if (!m?.[1]) return send(404, { ok: false, error: 'unknown_method' });
      const method = m[1];

      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times--;
        calls.push({ method, args, token, status: 429, error: 'ratelimited' });
        return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
      }
      const failure = errors.get(method);
      if (failure && failure.times > 0) {
        failure.times--;
        calls.push({ method, args, token, status: 200, error: failure.error });
        return send(200, { ok: false, error: failure.error });
      }
      const result = answer(method, args);
      if (!result) {
        calls.push({ method, args, token, status: 200, error: 'unknown_method' });
        return send(200, { ok: false, error: 'unknown_method' });
      }
      calls.push({ method, args, token, status: 200 });
      send(200, result);
    })().catch((err) => {
      if (!res.writableEnded) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    calls: recorded,
    responseUrl: (rid = id('R')) => `${baseUrl}/response/${rid}`,
    rateLimit(method, retryAfterSec, times = 1) {
      limits.set(method, { retryAfter: retryAfterSec, times });
    },
    failWith(method, error, times = 1) {
      errors.set(method, { error, times });
    },
    setMembers(channel, users) {
      members.set(channel, users);
    },
    sent: (method) => recorded.filter((c) => c.method === method && c.status === 200 && !c.error),
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(recorded)) {
        if (Date.now() > deadline) {
          const seen = recorded.map((c) => `${c.method}(${c.error ?? c.status})`).join(', ');
          throw new Error(`fake Slack: condition not met in ${timeoutMs} ms; calls so far: ${seen}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    clear() {
      recorded.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
