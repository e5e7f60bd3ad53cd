/**
 * The child process of bench/bot.ts: a lean Bot API server on 127.0.0.1 playing Telegram, and the load
 * driver posting Update JSON to the bot's webhook. Both live here so that the time a reply's last Bot API
 * call arrives and the time its update was posted are read from one clock, and neither shares the bot's
 * event loop.
 *
 * Two ways to send load:
 * - closed loop: each chat posts its next update as soon as the previous reply has fully arrived (optionally
 *   after a think time), so at most one update per chat is under way;
 * - open loop: updates arrive at random (Poisson) times at a fixed rate, each from a chat drawn at random,
 *   whether or not earlier ones were answered, so a chat may have several under way. Latency runs from the
 *   update's scheduled arrival, not from when the driver got round to posting it, so a stalled bot cannot
 *   hide its backlog (no coordinated omission).
 * A reply is complete when the number of send* calls measured for that command in a calibration run has
 * arrived. The adapter answers one update per chat at a time, in order, so the calls of one chat belong to
 * its oldest unanswered update; calls for a chat nobody waits for are counted as strays, so a miscount shows.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

export interface PhaseSpec {
  name: string;
  text: string;
  warmupSec: number;
  seconds: number;
  /** Closed loop: pause between a reply and the chat's next update, ms (0: straight away). */
  thinkMs: number;
  /** Open loop: updates per second arriving at Poisson times; set, it replaces the closed loop. */
  rate?: number;
}

export interface PhaseResult {
  name: string;
  /** send* calls one reply makes (calibrated with the first chat). */
  callsPerReply: number;
  /** Update-to-last-call latencies in the measured window, ms, sorted. */
  latencies: number[];
  seconds: number;
  timeouts: number;
  strays: number;
  httpErrors: number;
  /** Open loop: updates that arrived in the measured window per second (the offered load as drawn). */
  offered?: number;
  /** Open loop: the most updates under way at once. */
  maxInFlight?: number;
  /** CPU this driver process used over the phase, in cores: it shares the machine with the bot. */
  driverCores?: number;
  /** Start of the calibration reply's first message, to show the bot answered for real (not an apology). */
  sample: string;
}

export type ToChild = { type: 'phase'; webhookUrl: string; secret: string; userIds: number[]; phase: PhaseSpec };
export type ToParent = { type: 'ready'; apiRoot: string } | { type: 'result'; result: PhaseResult };

const BOT = { id: 777000999, is_bot: true, first_name: 'partnerdesk', username: 'partnerdesk_bench_bot' };
const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);
const REPLY_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Waiter = { left: number; resolve: (lastAt: number | null) => void };
/** Per chat, its unanswered updates, oldest first. */
const waiters = new Map<number, Waiter[]>();
let strays = 0;
/** Per chat: arrival times of calls while calibrating. */
const calibrating = new Map<number, number[]>();
let sample = '';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** chat_id (and text) of a JSON or multipart call; a regex is enough for telegraf's multipart and keeps the fake cheap. */
function callOf(body: Buffer, type: string): { chatId: number; text?: string } {
  if (type.startsWith('application/json')) {
    const p = JSON.parse(body.toString('utf8')) as { chat_id: unknown; text?: string };
    return { chatId: Number(p.chat_id), text: p.text };
  }
  const m = /name="chat_id"\r\n(?:[^\r\n]+\r\n)*\r\n([-\d]+)\r\n/.exec(body.toString('latin1', 0, 4096));
  return { chatId: Number(m?.[1]) };
}

function onSend(chatId: number, at: number, text: string | undefined): void {
  const cal = calibrating.get(chatId);
  if (cal) {
    if (cal.length === 0) sample = text ?? '';
    cal.push(at);
    return;
  }
  const queue = waiters.get(chatId);
  const w = queue?.[0];
  if (!queue || !w) {
    strays++;
    return;
  }
  if (--w.left === 0) {
    queue.shift();
    if (queue.length === 0) waiters.delete(chatId);
    w.resolve(at);
  }
}

/** Registers an update of `chatId` awaiting `calls` send* calls; resolves with the last one's time, or null. */
function awaitReply(chatId: number, calls: number): Promise<number | null> {
  return new Promise((resolve) => {
    const w: Waiter = {
      left: calls,
      resolve: (at) => {
        clearTimeout(timer);
        resolve(at);
      },
    };
    const timer = setTimeout(() => {
      const queue = waiters.get(chatId) ?? [];
      const i = queue.indexOf(w);
      if (i >= 0) queue.splice(i, 1);
      if (queue.length === 0) waiters.delete(chatId);
      resolve(null);
    }, REPLY_TIMEOUT_MS);
    const queue = waiters.get(chatId);
    if (queue) queue.push(w);
    else waiters.set(chatId, [w]);
  });
}

let messageId = 1;
function startFakeBotApi(): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const at = performance.now();
      const method = /\/bot[^/]+\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1] ?? '';
      let result: unknown = true;
      if (method === 'getMe') result = BOT;
      else if (SEND_METHODS.has(method)) {
        const { chatId, text } = callOf(body, req.headers['content-type'] ?? '');
        onSend(chatId, at, text);
        result = {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private' },
        };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    })().catch((err) => res.writeHead(500).end(String(err)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

let updateId = 1;
function update(userId: number, text: string) {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: 'Bench' },
      from: { id: userId, is_bot: false, first_name: 'Bench', last_name: String(userId) },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}

// Telegram itself delivers a webhook over at most 100 connections (setWebhook max_connections).
const agent = new Agent({ connections: 100, keepAliveTimeout: 30_000 });
let httpErrors = 0;

async function post(msg: ToChild, userId: number): Promise<void> {
  const res = await request(msg.webhookUrl, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': msg.secret },
    body: JSON.stringify(update(userId, msg.phase.text)),
  });
  await res.body.dump();
  if (res.statusCode !== 200) httpErrors++;
}

/** Sends the command once from the first chat and counts the calls of its reply (they end with 500 ms quiet). */
async function calibrate(msg: ToChild): Promise<number> {
  const userId = msg.userIds[0] as number;
  const seen: number[] = [];
  calibrating.set(userId, seen);
  await post(msg, userId);
  const deadline = performance.now() + REPLY_TIMEOUT_MS;
  while (seen.length === 0 && performance.now() < deadline) await sleep(10);
  while (performance.now() - (seen.at(-1) ?? 0) < 500) await sleep(50);
  calibrating.delete(userId);
  if (seen.length === 0) throw new Error(`"${msg.phase.text}" got no reply within ${REPLY_TIMEOUT_MS} ms`);
  return seen.length;
}

function resetCounters(): void {
  strays = 0;
  httpErrors = 0;
}

function cleanSample(): string {
  return sample
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .slice(0, 90);
}

async function closedLoop(msg: ToChild, callsPerReply: number): Promise<PhaseResult> {
  const { phase } = msg;
  let timeouts = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const measureFrom = start + phase.warmupSec * 1000;
  const end = measureFrom + phase.seconds * 1000;
  await Promise.all(
    msg.userIds.map(async (userId, i) => {
      // First updates spread over one think time (100 ms at least): 200 chats starting in one tick would
      // march in step as one burst after another, which no set of people typing does.
      await sleep(((i + Math.random()) * Math.max(100, phase.thinkMs)) / msg.userIds.length);
      while (performance.now() < end) {
        const t0 = performance.now();
        const done = awaitReply(userId, callsPerReply);
        await post(msg, userId);
        const lastAt = await done;
        if (lastAt === null) timeouts++;
        // Every update posted in the window counts, however long its reply takes (no survivor bias).
        else if (t0 >= measureFrom) latencies.push(lastAt - t0);
        if (phase.thinkMs > 0) await sleep(phase.thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  return { name: phase.name, callsPerReply, latencies, seconds: phase.seconds, timeouts, strays, httpErrors, sample };
}

/**
 * Poisson arrivals at `rate` per second until the window ends, then waits for every reply still under way:
 * an update that arrived in the window counts however long its reply takes, and the backlog of an
 * overloaded rate is drained here instead of spilling into the next phase.
 */
async function openLoop(msg: ToChild, callsPerReply: number, rate: number): Promise<PhaseResult> {
  const { phase } = msg;
  let timeouts = 0;
  let arrived = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const measureFrom = start + phase.warmupSec * 1000;
  const end = measureFrom + phase.seconds * 1000;
  const send = (at: number) => {
    const userId = msg.userIds[Math.floor(Math.random() * msg.userIds.length)] as number;
    const measured = at >= measureFrom;
    if (measured) arrived++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = awaitReply(userId, callsPerReply);
    pending.push(
      post(msg, userId)
        .catch(() => {
          httpErrors++;
        })
        .then(() => done)
        .then((lastAt) => {
          inFlight--;
          if (lastAt === null) timeouts++;
          else if (measured) latencies.push(lastAt - at);
        }),
    );
  };
  // Exponential gaps; arrivals that fell due while the timer slept are sent at once, each keeping its
  // scheduled time as its start, so a late timer shows up as latency rather than as a lower rate (timers
  // wake up to ~1 ms late; spinning instead would take the CPU from the bot on this shared machine).
  let next = start + (-Math.log(1 - Math.random()) * 1000) / rate;
  while (next < end) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    while (next <= now && next < end) {
      send(next);
      next += (-Math.log(1 - Math.random()) * 1000) / rate;
    }
  }
  await Promise.all(pending);
  return {
    name: phase.name,
    callsPerReply,
    latencies,
    seconds: phase.seconds,
    timeouts,
    strays,
    httpErrors,
    offered: arrived / phase.seconds,
    maxInFlight,
    sample,
  };
}

async function runPhase(msg: ToChild): Promise<PhaseResult> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const callsPerReply = await calibrate(msg);
  resetCounters();
  const rate = msg.phase.rate;
  const r = rate ? await openLoop(msg, callsPerReply, rate) : await closedLoop(msg, callsPerReply);
  // Late calls (a reply longer than calibrated) would land here as strays.
  await sleep(300);
  const used = process.cpuUsage(cpu);
  const driverCores = (used.user + used.system) / 1000 / (performance.now() - wall);
  return { ...r, strays, httpErrors, latencies: r.latencies.sort((a, b) => a - b), sample: cleanSample(), driverCores };
}

async function main(): Promise<void> {
  const apiRoot = await startFakeBotApi();
  process.on('message', (m: ToChild) => {
    if (m.type !== 'phase') return;
    runPhase(m)
      .then((result) => process.send?.({ type: 'result', result } satisfies ToParent))
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  });
  // The parent ends this process by closing the IPC channel.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', apiRoot } satisfies ToParent);
}

await main();
