/**
 * Postback relay throughput and memory: `npx tsx bench/relay.ts [conversions] [backlog]` (`npm run bench:relay`).
 *
 * 1. raw: a child process sends plain undici GETs to the partner receiver (this process) - the baseline.
 * 2. end-to-end: a child process runs the app like `npm start` does (HTTP + relay worker, SQLite, Redis);
 *    this process fires S2S GET /postback for pre-seeded clicks and times until the receiver has every
 *    delivery's {postback_id}. Targets (issue 3): >= 5,000 delivered/s and >= 0.25 of raw.
 * 3. backlog: `backlog` deliveries written straight to the outbox, then a worker-only child drains them
 *    while its RSS is sampled from /proc. Target: 1,000,000 under 300 MB (pass 1000000 as the 2nd argument).
 * Uses its own redis-server on a free port. Shared 2-core machine: figures are noisy; compare ratios.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { HEAP_MB } from '../bin/heap-cap.js';
import { freePort } from '../test/helpers/net.js';

const CONCURRENCY = 128;
const clickIdOf = (i: number) => `bench${String(i).padStart(10, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (x: number) => Math.round(x).toLocaleString('en-US');

interface ChildArgs {
  mode: 'raw' | 'app' | 'api' | 'worker';
  dataDir: string;
  redisUrl: string;
  receiverUrl: string;
  n: number;
}

/** Runs `n` requests with at most CONCURRENCY in flight. */
async function pump(n: number, send: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await send(next++);
    }),
  );
}

async function child(args: ChildArgs): Promise<void> {
  if (args.mode === 'raw') {
    const agent = new Agent({ connections: CONCURRENCY });
    const t0 = performance.now();
    await pump(args.n, async (i) => {
      const res = await request(`${args.receiverUrl}/raw?id=${i}`, { dispatcher: agent });
      await res.body.dump();
    });
    process.send?.({ ms: performance.now() - t0 });
    await agent.close();
    return;
  }
  const { createApp } = await import('../src/main/create-app.js');
  const { buildConfig } = await import('../src/config/index.js');
  const { buildServer } = await import('../src/http/server.js');
  const { createLogger } = await import('../src/infra/logger.js');
  const { startRelay } = await import('../src/jobs/relay.js');
  const config = buildConfig({
    DATA_DIR: args.dataDir,
    REDIS_URL: args.redisUrl,
    POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
  });
  // The worker-only child opens the app as `partnerdesk worker` does: without the SQLite read pool.
  const app = await createApp(config, { logger: createLogger('warn'), readPool: args.mode !== 'worker' });
  const relay = args.mode === 'api' ? null : await startRelay(app);
  let port = 0;
  if (args.mode === 'app' || args.mode === 'api') {
    const server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const a = server.server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  }
  process.send?.({ ready: true, port });
  process.once(
    'SIGTERM',
    () => void (relay?.close() ?? Promise.resolve()).then(() => app.close().then(() => process.exit(0))),
  );
}

const heapCapAt = process.argv.indexOf('--heap-cap');
const heapCap = heapCapAt > 0 ? Number(process.argv[heapCapAt + 1]) : (HEAP_MB['worker'] ?? 0);

function spawnChild(args: ChildArgs): Promise<{ proc: ChildProcess; msg: Record<string, number | boolean> }> {
  return new Promise((resolve, reject) => {
    const prof =
      process.argv.includes('--profile') && args.mode !== 'raw'
        ? ['--cpu-prof', '--cpu-prof-dir=/tmp/pdscratch/prof']
        : [];
    const proc = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(args)], {
      // The worker runs as `partnerdesk worker` does: with the old-space cap the CLI gives that role
      // (bin/heap-cap.js), or --heap-cap MB (0: none, V8's default).
      execArgv: [
        ...process.execArgv,
        ...prof,
        ...(args.mode === 'worker' && heapCap ? [`--max-old-space-size=${heapCap}`] : []),
      ],
    });
    proc.once('message', (msg) => resolve({ proc, msg: msg as Record<string, number | boolean> }));
    proc.once('exit', (code) => reject(new Error(`${args.mode} child exited with ${code}`)));
  });
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far, from /proc/stat's first line. */
function machineCpu(): { busy: number; total: number } {
  const v = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + (b || 0), 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const nums = process.argv.slice(2).filter((a, i) => /^\d+$/.test(a) && i + 2 !== heapCapAt + 1);
  const n = Number(nums[0] ?? 20_000);
  const backlog = Number(nums[1] ?? 200_000);
  const { createApp } = await import('../src/main/create-app.js');
  const { buildConfig } = await import('../src/config/index.js');
  const { createLogger } = await import('../src/infra/logger.js');

  const dir = mkdtempSync(path.join(tmpdir(), 'pd-bench-relay-'));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const seen = new Set<string>();
  const receiver = createHttpServer((req, res) => {
    const id = /[?&]id=([^&]+)/.exec(req.url ?? '')?.[1];
    if (id && req.url?.startsWith('/pb')) seen.add(id);
    res.end('ok');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const ra = receiver.address();
  const receiverUrl = `http://127.0.0.1:${typeof ra === 'object' && ra ? ra.port : 0}`;
  const waitFor = async (count: () => number, target: number, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    while (count() < target && Date.now() < until) await sleep(20);
  };
  const children: ChildProcess[] = [];
  try {
    await sleep(300);
    const config = buildConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
    const seedApp = await createApp(config, { redis: null, logger: createLogger('silent') });
    const db = seedApp.db;
    const now = Date.now();
    const [p] = await db('partners')
      .insert({ name: 'B', email: 'b@example.com', created_at: now, updated_at: now })
      .returning('id');
    const partnerId = (p as { id: number }).id;
    const [c] = await db('campaigns')
      .insert({ name: 'B', type: 'cpa', landing_url: 'https://example.com/', created_at: now, updated_at: now })
      .returning('id');
    const campaignId = (c as { id: number }).id;
    await db('campaign_payouts').insert({
      campaign_id: campaignId,
      conversion_type: 'Lead',
      type_key: 'lead',
      kind: 'fixed',
      amount: 200,
    });
    await db('postbacks').insert({
      partner_id: partnerId,
      url: `${receiverUrl}/pb?id={postback_id}&c={clickid}&p={aff_payout}&t={conversion_time}&s={sub1}`,
      created_at: now,
      updated_at: now,
    });
    await db.transaction(async (trx) => {
      for (let i = 0; i < n; i += 500) {
        const rows = [];
        for (let j = i; j < Math.min(n, i + 500); j++) {
          rows.push({
            click_id: clickIdOf(j),
            campaign_id: campaignId,
            partner_id: partnerId,
            sub1: 's',
            created_at: now,
          });
        }
        await trx('clicks').insert(rows);
      }
    });
    await seedApp.close();

    // 1. raw undici GETs, from a child process, to the same receiver.
    const raw = await spawnChild({ mode: 'raw', dataDir: dir, redisUrl, receiverUrl, n });
    const rawRate = n / ((raw.msg['ms'] as number) / 1000);

    // 2. end-to-end through the app.
    const split = process.argv.includes('--split');
    const app = await spawnChild({ mode: split ? 'api' : 'app', dataDir: dir, redisUrl, receiverUrl, n });
    children.push(app.proc);
    const sideWorker = split ? await spawnChild({ mode: 'worker', dataDir: dir, redisUrl, receiverUrl, n }) : null;
    if (sideWorker) children.push(sideWorker.proc);
    const base = `http://127.0.0.1:${app.msg['port']}`;
    const agent = new Agent({ connections: CONCURRENCY });
    const appCpuNow = () => cpuSeconds(app.proc.pid ?? 0) + cpuSeconds(sideWorker?.proc.pid ?? 0);
    const appCpu0 = appCpuNow();
    const benchCpu0 = process.cpuUsage();
    const machine0 = machineCpu();
    const t0 = performance.now();
    let s2sDone = 0;
    const sending = pump(n, async (i) => {
      const res = await request(`${base}/postback?clickid=${clickIdOf(i)}&type=lead&txid=t`, { dispatcher: agent });
      await res.body.dump();
      s2sDone += 1;
    }).then(() => performance.now() - t0);
    const s2sMs = await sending;
    await waitFor(() => seen.size, n, 120_000);
    const e2eMs = performance.now() - t0;
    const appCpu = appCpuNow() - appCpu0;
    const benchCpuUs = process.cpuUsage(benchCpu0);
    const machine1 = machineCpu();
    await agent.close();
    const e2eRate = seen.size / (e2eMs / 1000);
    for (const proc of [app.proc, sideWorker?.proc]) {
      if (!proc) continue;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }

    const roles = split ? 'api and worker roles in two processes' : 'all roles in one process, like npm start';
    console.log(`\nPostback relay on SQLite + Redis, ${roles} (${n} conversions, ${CONCURRENCY} concurrent senders)`);
    console.log(`  raw undici GETs to the receiver  : ${f(rawRate)} req/s`);
    console.log(`  S2S accepted by the app          : ${f(s2sDone / (s2sMs / 1000))} conversions/s`);
    console.log(
      `  end-to-end S2S -> receiver       : ${f(e2eRate)} delivered/s (${f(seen.size)} of ${f(n)} distinct postback_ids)`,
    );
    console.log(`  ratio to raw                     : ${(e2eRate / rawRate).toFixed(3)}`);
    console.log(
      `  CPU per conversion               : app ${f((appCpu * 1e6) / n)} µs, this bench's sender + receiver ${f((benchCpuUs.user + benchCpuUs.system) / n)} µs; machine ${(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100).toFixed(0)} % busy`,
    );
    console.log(
      `  targets >= 5,000/s and >= 0.25 of raw: ${e2eRate >= 5000 ? 'met' : 'NOT met'} / ${e2eRate / rawRate >= 0.25 ? 'met' : 'NOT met'}`,
    );

    // 3. backlog drained by a worker-only process; RSS sampled.
    if (backlog > 0) {
      const db2App = await createApp(config, { redis: null, logger: createLogger('silent') });
      const db2 = db2App.db;
      const clickRow = Number((await db2('clicks').min({ id: 'id' }).first())?.id ?? 1);
      const pb = Number((await db2('postbacks').first())?.id ?? 1);
      const firstConv = Number((await db2('conversions').max({ id: 'id' }).first())?.id ?? 0) + 1;
      const tSeed = Date.now();
      await db2.transaction(async (trx) => {
        for (let i = 0; i < backlog; i += 500) {
          const conv = [];
          const del = [];
          for (let j = i; j < Math.min(backlog, i + 500); j++) {
            conv.push({
              id: firstConv + j,
              click_row_id: clickRow,
              partner_id: partnerId,
              campaign_id: campaignId,
              type: 'Lead',
              type_key: 'lead',
              status: 'approved',
              payout: 200,
              currency: 'USD',
              txid: `bl${j}`,
              created_at: now,
              updated_at: now,
            });
            del.push({
              postback_id: pb,
              partner_id: partnerId,
              conversion_id: firstConv + j,
              event_key: 'created',
              status: 'approved',
              payout: 200,
              next_attempt_at: now,
              created_at: now,
              updated_at: now,
            });
          }
          await trx('conversions').insert(conv);
          await trx('postback_deliveries').insert(del);
        }
      });
      await db2App.close();
      const seeded = Date.now() - tSeed;
      seen.clear();
      const worker = await spawnChild({ mode: 'worker', dataDir: dir, redisUrl, receiverUrl, n: backlog });
      children.push(worker.proc);
      const pid = worker.proc.pid ?? 0;
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(pid));
      }, 250);
      const tb = performance.now();
      await waitFor(() => seen.size, backlog, 30 * 60_000);
      const drainMs = performance.now() - tb;
      clearInterval(sampler);
      peak = Math.max(peak, rssMb(pid));
      worker.proc.kill('SIGTERM');
      await new Promise((r) => worker.proc.once('exit', r));
      console.log(`\nBacklog of ${f(backlog)} deliveries (seeded in ${f(seeded)} ms), one worker process`);
      console.log(
        `  drained ${f(seen.size)} in ${(drainMs / 1000).toFixed(1)} s = ${f(seen.size / (drainMs / 1000))} delivered/s`,
      );
      console.log(
        `  worker peak RSS ${peak.toFixed(0)} MB (old space capped at ${heapCap || 'V8 default'} MB; target < 300 MB at 1,000,000)`,
      );
    }
    console.log('  (shared 2-core machine: the figures are noisy)');
  } finally {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    receiver.closeAllConnections();
    receiver.close();
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(JSON.parse(process.argv[3] ?? '{}') as ChildArgs).catch((err) => {
    console.error(String(err?.stack ?? err).slice(0, 2000));
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
