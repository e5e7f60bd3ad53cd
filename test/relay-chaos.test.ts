import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePostback } from '../src/app/postbacks/save-postback.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, startTestApp, type TestContext } from './helpers/harness.js';
import { freePort } from './helpers/net.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

/**
 * Chaos: conversions keep flowing while the worker PROCESS is SIGKILLed several times and Redis is killed
 * and restarted empty once. The database is the source of truth, so afterwards every delivery must have
 * reached the endpoint at least once with its {postback_id}, with nothing left pending. Duplicates are
 * allowed (at-least-once) and counted. Uses its own Redis so wiping it cannot disturb other test files.
 */
const WORKER = path.resolve(import.meta.dirname, 'helpers/relay-worker-process.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

/** Its own Redis on a free port, and the test's SQLite app pointed at it. */
async function startRig(): Promise<{ port: number; redis: ChildProcess; ctx: TestContext }> {
  const port = await freePort();
  const redis = startRedis(port);
  await sleep(300);
  const ctx = await startTestApp('sqlite', {
    POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    REDIS_URL: `redis://127.0.0.1:${port}`,
  });
  return { port, redis, ctx };
}

/** The relay worker (serve: the whole start role, HTTP API included) as a child process. */
function spawnRelayProcess(
  dataDir: string,
  redisPort: number,
  prefix: string,
  serve: boolean,
): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        WORKER,
        JSON.stringify({ dataDir, redisUrl: `redis://127.0.0.1:${redisPort}`, prefix, serve }),
      ],
      { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`relay process exited early (${code})`)));
  });
}

/**
 * Keeps sending conversions (20 fresh clicks at a time) through `post` until stop() is called; stop() resolves
 * with how many were acknowledged with a 200, i.e. how many are owed a postback.
 */
function produceConversions(
  ctx: TestContext,
  pair: { partnerId: number; campaignId: number },
  post: (clickId: string) => Promise<number | null>,
  pauseMs: number,
): { stop(): Promise<number> } {
  let acknowledged = 0;
  let producing = true;
  const loop = (async () => {
    while (producing) {
      const clicks = await Promise.all(
        Array.from({ length: 20 }, () => makeRichClick(ctx.app.db, pair.partnerId, pair.campaignId)),
      );
      await Promise.all(
        clicks.map(async (c) => {
          if ((await post(c)) === 200) acknowledged += 1;
        }),
      );
      await sleep(pauseMs);
    }
  })();
  return {
    async stop() {
      producing = false;
      await loop;
      return acknowledged;
    },
  };
}

/**
 * Waits until no delivery is left undelivered (or the deadline), then compares the outbox with what the
 * endpoint received on `path`: deliveries whose {postback_id} never arrived, and repeats (at-least-once).
 */
async function settle(ctx: TestContext, rx: Receiver, path: string, ms: number) {
  const deadline = Date.now() + ms;
  let pending = -1;
  while (Date.now() < deadline) {
    const r = await ctx.app.db('postback_deliveries').whereNot('state', 'delivered').count({ n: '*' }).first();
    pending = Number(r?.n ?? 0);
    if (pending === 0) break;
    await sleep(250);
  }
  const deliveries = await ctx.app.db('postback_deliveries').select('id', 'queued_at');
  const received = rx.on(path).map((r) => r.query.get('id'));
  const seen = new Set(received);
  const missing = deliveries.filter((d) => !seen.has(String(d.id)));
  return { pending, deliveries, received, missing, duplicates: received.length - seen.size };
}

describe('relay chaos (sqlite, worker process killed, Redis wiped)', () => {
  let ctx: TestContext;
  let rx: Receiver;
  let redis: ChildProcess;
  let port: number;
  let worker: ChildProcess | null = null;
  const prefix = randomPrefix();

  const spawnWorker = async () => (await spawnRelayProcess(ctx.config.dataDir, port, prefix, false)).child;

  beforeAll(async () => {
    ({ port, redis, ctx } = await startRig());
    rx = await startReceiver();
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await rx?.close();
    await ctx?.close();
    redis?.kill('SIGKILL');
  });

  it('loses nothing across SIGKILLed workers and a wiped Redis', { timeout: 90_000 }, async () => {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    await savePostback(
      ctx.app,
      { partnerId: null },
      { partner_id: partnerId, url: `${rx.url}/chaos?id={postback_id}` },
    );
    worker = await spawnWorker();

    const producer = produceConversions(
      ctx,
      { partnerId, campaignId },
      async (c) => (await api(ctx, 'GET', `/postback?clickid=${c}&type=lead`, undefined, null)).status,
      50,
    );

    for (let round = 0; round < 4; round++) {
      await sleep(2000);
      worker.kill('SIGKILL');
      if (round === 1) {
        // Redis dies too and comes back empty: every queued and delayed job is gone.
        redis.kill('SIGKILL');
        await sleep(300);
        redis = startRedis(port);
        await sleep(300);
      }
      await sleep(200);
      worker = await spawnWorker();
    }
    await sleep(1500);
    const sent = await producer.stop();

    const { pending, deliveries, received, missing, duplicates } = await settle(ctx, rx, '/chaos', 45_000);
    // biome-ignore lint/suspicious/noConsole: the chaos figures (duplicates above all) are this test's report
    console.log(
      `chaos: ${sent} conversions, ${deliveries.length} deliveries, ${received.length} requests received, ` +
        `${duplicates} duplicates, ${missing.length} missing, ${pending} not delivered`,
    );
    expect(deliveries.length).toBe(sent);
    expect(pending).toBe(0);
    expect(missing).toEqual([]);
    // Every send is in the attempt log: a delivery the partner got twice shows (at least) two attempts, the
    // one its killed worker could not finish marked "interrupted".
    const logged = new Map<string, number>();
    for (const a of await ctx.app.db('postback_attempts').select('delivery_id')) {
      logged.set(String(a.delivery_id), (logged.get(String(a.delivery_id)) ?? 0) + 1);
    }
    const times = new Map<string, number>();
    for (const id of received) times.set(String(id), (times.get(String(id)) ?? 0) + 1);
    const unlogged = [...times].filter(([id, n]) => (logged.get(id) ?? 0) < n).map(([id]) => id);
    expect(unlogged).toEqual([]);
  });
});

/**
 * The same promise for the all-in-one process (the `start` role): it records conversions and sends their
 * postbacks. SIGKILL it while it does, again and again: its jobs come back after the lock expires, and
 * nothing acknowledged is lost.
 */
describe('relay chaos (sqlite, the all-in-one process killed while it sends fresh deliveries)', () => {
  let ctx: TestContext;
  let rx: Receiver;
  let redis: ChildProcess;
  let port: number;
  let running: { child: ChildProcess; port: number } | null = null;
  const prefix = randomPrefix();

  beforeAll(async () => {
    ({ port, redis, ctx } = await startRig());
    // A slow partner endpoint keeps sends in flight, so each kill lands in the middle of some.
    rx = await startReceiver({ delayMs: 40 });
  });
  afterAll(async () => {
    running?.child.kill('SIGKILL');
    await rx?.close();
    await ctx?.close();
    redis?.kill('SIGKILL');
  });

  it('loses nothing when the process recording and sending is SIGKILLed', { timeout: 90_000 }, async () => {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    await savePostback(ctx.app, { partnerId: null }, { partner_id: partnerId, url: `${rx.url}/fast?id={postback_id}` });
    running = await spawnRelayProcess(ctx.config.dataDir, port, prefix, true);

    // Straight to the child's API, as an advertiser would; a dead process refuses, and that conversion was
    // never acknowledged, so it is not owed a postback.
    const producer = produceConversions(
      ctx,
      { partnerId, campaignId },
      async (c) =>
        (await fetch(`http://127.0.0.1:${running?.port}/postback?clickid=${c}&type=lead`).catch(() => null))?.status ??
        null,
      20,
    );

    for (let round = 0; round < 3; round++) {
      await sleep(1500);
      running.child.kill('SIGKILL');
      await sleep(100);
      running = await spawnRelayProcess(ctx.config.dataDir, port, prefix, true);
    }
    await sleep(1000);
    const acknowledged = await producer.stop();

    const { pending, deliveries, received, missing, duplicates } = await settle(ctx, rx, '/fast', 45_000);
    // biome-ignore lint/suspicious/noConsole: the chaos figures are this test's report
    console.log(
      `all-in-one chaos: ${acknowledged} acknowledged conversions, ${deliveries.length} deliveries, ` +
        `${received.length} requests, ${duplicates} duplicates`,
    );
    // Every acknowledged conversion has its delivery (some not acknowledged may have committed too).
    expect(deliveries.length).toBeGreaterThanOrEqual(acknowledged);
    expect(acknowledged).toBeGreaterThan(100);
    expect(pending).toBe(0);
    expect(missing).toEqual([]);
  });
});
