/**
 * Scale-out figures (issue 13): `npx tsx bench/scale.ts [clicks] [conversions] [--api N] [--worker M] [--fault]`
 * (`npm run bench:scale`).
 *
 * Starts its own Redis, makes a fresh PostgreSQL database with the test role (partnerdesk_test on
 * 127.0.0.1:5432, CREATEDB), starts N `api` and M `worker` processes (the real CLI roles) and a loopback
 * partner endpoint, drives clicks then S2S conversions over all api ports, and prints per role: throughput,
 * CPU per click and per conversion (from /proc), conversion-to-delivery p50/p99/max, duplicates and missing.
 * Then the same drive against one all-in-one `start` process on SQLite, in the same run. `--fault` SIGKILLs
 * worker 1 and the last api process during the conversions. Bounded in time; shared machine: figures are noisy.
 * `--profile DIR` writes a CPU profile of every role process into DIR (open them in Chrome's DevTools), and
 * `--no-sqlite` skips the all-in-one run (for profiling the split roles alone).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { Agent, request } from 'undici';

const argv = process.argv.slice(2);
const nums = argv.filter((a, i) => /^\d+$/.test(a) && !['--api', '--worker', '--profile'].includes(argv[i - 1] ?? ''));
const CLICKS = Number(nums[0] ?? 20_000);
const CONVERSIONS = Number(nums[1] ?? 10_000);
const flag = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const API = flag('--api', 2);
const WORKERS = flag('--worker', 2);
const FAULT = argv.includes('--fault');
const PROFILE = argv.includes('--profile') ? path.resolve(argv[argv.indexOf('--profile') + 1] ?? '.') : '';
const SQLITE = !argv.includes('--no-sqlite');
const CONCURRENCY = 64;
const PG_ADMIN = 'postgres://partnerdesk_test:partnerdesk_test@127.0.0.1:5432/postgres';
const TICK = 100; // USER_HZ: /proc times are in clock ticks

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number) => Math.round(n).toLocaleString('en-US');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const lastCpu = new Map<number, number>();
/** CPU seconds of a process (user + system); a process killed since keeps its last reading. */
function cpuOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const s = (Number(fields[11]) + Number(fields[12])) / TICK;
    lastCpu.set(pid ?? 0, s);
    return s;
  } catch {
    return lastCpu.get(pid ?? 0) ?? 0;
  }
}

/** CPU seconds of every postgres process on the machine (other sessions share it: an upper bound). */
function postgresCpu(): number {
  let sum = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') sum += cpuOf(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

async function waitHealthy(port: number, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`process on port ${port} not healthy in time`);
}

/** A role as its own process, through tsx directly so the pid is the process doing the work. */
function role(name: string, env: Record<string, string>): ChildProcess {
  const profile = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.resolve('src/cli/main.ts'), name], {
    env: { ...process.env, LOG_LEVEL: 'error', SEED_DEMO: 'false', POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** Runs `n` tasks, CONCURRENCY at a time, over the live ports; a refused request moves to another port. */
async function pump(n: number, ports: () => number[], task: (i: number, port: number) => Promise<boolean>) {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        for (let tries = 0; tries < 5; tries++) {
          const live = ports();
          const port = live[(i + tries) % live.length] as number;
          if (await task(i, port).catch(() => false)) {
            done += 1;
            break;
          }
        }
      }
    }),
  );
  return done;
}

interface Figures {
  clicksPerSec: number;
  convPerSec: number;
  cpuPerClickUs: number;
  cpuPerConvUs: number;
  pgCpuPerConvUs: number | null;
  p50: number;
  p99: number;
  max: number;
  duplicates: number;
  missing: number;
  delivered: number;
}

async function drive(
  label: string,
  env: Record<string, string>,
  setup: () => Promise<{ partnerId: number; campaignId: number }>,
  layout: { api: number; worker: number; allInOne: boolean },
  receiver: Receiver,
): Promise<Figures> {
  const procs: { role: string; proc: ChildProcess; port?: number }[] = [];
  const { partnerId, campaignId } = await setup();
  for (let i = 0; i < layout.api; i++) {
    const port = await freePort();
    procs.push({
      role: layout.allInOne ? 'start' : 'api',
      port,
      proc: role(layout.allInOne ? 'start' : 'api', { ...env, PORT: String(port) }),
    });
  }
  for (let i = 0; i < layout.worker; i++) procs.push({ role: 'worker', proc: role('worker', env) });
  const dead = new Set<number>();
  try {
    for (const p of procs) if (p.port) await waitHealthy(p.port);
    await sleep(1500); // workers connect
    const apiPorts = () => procs.filter((p) => p.port && !dead.has(p.port)).map((p) => p.port as number);
    const agent = new Agent({ connections: CONCURRENCY });
    const cpu = () => procs.reduce((s, p) => s + cpuOf(p.proc.pid), 0);
    const cpuByRole = (r: string) => procs.filter((p) => p.role === r).reduce((s, p) => s + cpuOf(p.proc.pid), 0);

    // Clicks: the redirect's Location carries the click id ({clickid} in the landing URL).
    const clickIds: string[] = new Array(CLICKS);
    let c0 = cpu();
    let t0 = performance.now();
    await pump(CLICKS, apiPorts, async (i, port) => {
      const res = await request(`http://127.0.0.1:${port}/t/${campaignId}?pid=${partnerId}&sub1=b${i % 50}`, {
        dispatcher: agent,
      });
      await res.body.dump();
      const loc = String(res.headers['location'] ?? '');
      const id = /cid=([^&]+)/.exec(loc)?.[1];
      if (res.statusCode !== 302 || !id) return false;
      clickIds[i] = decodeURIComponent(id);
      return true;
    });
    const clickSec = (performance.now() - t0) / 1000;
    const clickCpu = cpu() - c0;

    // Conversions, with the moment each was acknowledged.
    const accepted = new Map<string, number>();
    const live = clickIds.filter(Boolean);
    const n = Math.min(CONVERSIONS, live.length);
    receiver.reset();
    c0 = cpu();
    const api0 = cpuByRole(layout.allInOne ? 'start' : 'api');
    const worker0 = cpuByRole('worker');
    const pg0 = postgresCpu();
    t0 = performance.now();
    const faults = FAULT
      ? (async () => {
          await sleep(1000);
          const w = procs.find((p) => p.role === 'worker');
          cpuOf(w?.proc.pid); // its last reading counts
          w?.proc.kill('SIGKILL');
          await sleep(1000);
          const a = procs.filter((p) => p.port).at(-1);
          if (a?.port && apiPorts().length > 1) {
            dead.add(a.port);
            cpuOf(a.proc.pid);
            a.proc.kill('SIGKILL');
          }
        })()
      : Promise.resolve();
    await pump(n, apiPorts, async (i, port) => {
      const click = live[i] as string;
      const res = await request(`http://127.0.0.1:${port}/postback?clickid=${click}&type=lead&txid=s${i}`, {
        dispatcher: agent,
      });
      await res.body.dump();
      if (res.statusCode !== 200) return false;
      accepted.set(click, Date.now());
      return true;
    });
    const convSec = (performance.now() - t0) / 1000;
    await faults;
    // Deliveries: wait until every acknowledged conversion's postback arrived (bounded).
    const until = Date.now() + 60_000;
    while (Date.now() < until && receiver.distinct() < accepted.size) await sleep(200);
    const convCpu = cpu() - c0;
    const pgCpu = postgresCpu() - pg0;
    const lat: number[] = [];
    for (const [click, at] of receiver.firstSeen()) {
      const acc = accepted.get(click);
      if (acc !== undefined) lat.push(Math.max(0, at - acc));
    }
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN;
    const missing = [...accepted.keys()].filter((k) => !receiver.has(k)).length;
    await agent.close();
    const fig: Figures = {
      clicksPerSec: CLICKS / clickSec,
      convPerSec: accepted.size / convSec,
      cpuPerClickUs: (clickCpu / CLICKS) * 1e6,
      cpuPerConvUs: (convCpu / Math.max(1, accepted.size)) * 1e6,
      pgCpuPerConvUs: layout.allInOne ? null : (pgCpu / Math.max(1, accepted.size)) * 1e6,
      p50: q(0.5),
      p99: q(0.99),
      max: lat.at(-1) ?? Number.NaN,
      duplicates: receiver.total() - receiver.distinct(),
      missing,
      delivered: receiver.distinct(),
    };
    const apiCpu = cpuByRole(layout.allInOne ? 'start' : 'api') - api0;
    const workerCpu = cpuByRole('worker') - worker0;
    console.log(`\n${label}`);
    console.log(
      `  clicks stored            : ${f(fig.clicksPerSec)}/s, CPU ${f(fig.cpuPerClickUs)} µs per click (app roles)`,
    );
    console.log(
      `  conversions accepted     : ${f(fig.convPerSec)}/s (${f(accepted.size)}), CPU per conversion ${f(fig.cpuPerConvUs)} µs across roles` +
        ` (api ${f((apiCpu / Math.max(1, accepted.size)) * 1e6)}, worker ${f((workerCpu / Math.max(1, accepted.size)) * 1e6)})` +
        (fig.pgCpuPerConvUs === null ? '' : `, PostgreSQL ${f(fig.pgCpuPerConvUs)} µs (all postgres processes)`),
    );
    console.log(
      `  conversion -> delivery   : p50 ${f(fig.p50)} ms, p99 ${f(fig.p99)} ms, max ${f(fig.max)} ms; ` +
        `${f(fig.delivered)} delivered, ${f(fig.duplicates)} duplicates, ${f(fig.missing)} missing`,
    );
    return fig;
  } finally {
    for (const p of procs) p.proc.kill('SIGTERM');
    // A profile is written as the process exits: give the roles time to close gracefully.
    await sleep(PROFILE ? 5000 : 1500);
    for (const p of procs) p.proc.kill('SIGKILL');
  }
}

interface Receiver {
  url: string;
  reset(): void;
  distinct(): number;
  total(): number;
  has(click: string): boolean;
  firstSeen(): Map<string, number>;
  close(): void;
}

async function startReceiver(): Promise<Receiver> {
  let seen = new Map<string, number>();
  let total = 0;
  const server = createServer((req, res) => {
    const click = new URL(req.url ?? '/', 'http://x').searchParams.get('click') ?? '';
    total += 1;
    if (!seen.has(click)) seen.set(click, Date.now());
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    reset() {
      seen = new Map();
      total = 0;
    },
    distinct: () => seen.size,
    total: () => total,
    has: (c) => seen.has(c),
    firstSeen: () => seen,
    close: () => server.close(),
  };
}

/** A partner with access to a campaign whose landing URL carries the click id, and a postback to `rx`. */
async function seed(env: Record<string, string>, rx: Receiver) {
  const { buildConfig } = await import('../src/config/index.js');
  const { createApp } = await import('../src/main/create-app.js');
  const { createLogger } = await import('../src/infra/logger.js');
  const { savePostback } = await import('../src/app/postbacks/save-postback.js');
  const { makeApprovedPair } = await import('../test/helpers/fixtures.js');
  const app = await createApp(buildConfig({ ...env, LOG_LEVEL: 'silent', POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' }), {
    logger: createLogger('silent'),
    redis: null,
  });
  try {
    const pair = await makeApprovedPair(app.db);
    await app
      .db('campaigns')
      .where({ id: pair.campaignId })
      .update({ landing_url: 'https://offer.example/lp?cid={clickid}' });
    await savePostback(
      app,
      { partnerId: null },
      { partner_id: pair.partnerId, url: `${rx.url}/pb?click={clickid}&id={postback_id}` },
    );
    return pair;
  } finally {
    await app.close();
  }
}

async function main() {
  const redisPort = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const rx = await startReceiver();
  const dbName = `pd_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${dbName}`);
  const pgUrl = PG_ADMIN.replace(/\/postgres$/, `/${dbName}`);
  const dirs = [mkdtempSync(path.join(tmpdir(), 'pd-scale-pg-')), mkdtempSync(path.join(tmpdir(), 'pd-scale-sqlite-'))];
  const hardStop = setTimeout(() => {
    console.error('bench:scale: time limit reached');
    process.exit(2);
  }, 10 * 60_000);
  hardStop.unref();
  try {
    await sleep(300);
    console.log(
      `bench:scale: ${f(CLICKS)} clicks then ${f(CONVERSIONS)} conversions, ${CONCURRENCY} concurrent requests${FAULT ? ', fault mode' : ''}`,
    );
    const pgEnv = { DATA_DIR: dirs[0] as string, DATABASE_URL: pgUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}/0` };
    await drive(
      `${API} api + ${WORKERS} worker on PostgreSQL + Redis`,
      pgEnv,
      () => seed(pgEnv, rx),
      { api: API, worker: WORKERS, allInOne: false },
      rx,
    );
    const sqliteEnv = { DATA_DIR: dirs[1] as string, REDIS_URL: `redis://127.0.0.1:${redisPort}/1` };
    if (SQLITE) {
      await drive(
        'all-in-one `start` on SQLite (same run)',
        sqliteEnv,
        () => seed(sqliteEnv, rx),
        { api: 1, worker: 0, allInOne: true },
        rx,
      );
    }
    console.log('\n(shared 2-core machine: the figures are noisy; compare within a run)');
  } finally {
    rx.close();
    redis.kill('SIGKILL');
    await admin.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
