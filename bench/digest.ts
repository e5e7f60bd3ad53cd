/**
 * E-mail digests end to end: `npx tsx bench/digest.ts [--partners 10000] [--db sqlite|postgres] [--profile DIR] [--tsx]`
 * (or `npm run bench:digest -- --partners 1000`).
 *
 * Seeds N partners (weekly digest, Monday 09:00 UTC) each with a week of traffic in the rollups (two
 * countries, daily clicks and conversions), starts an SMTP sink in another process and the real digest role
 * in a third (bench/digest-worker.ts), runs one tick and waits until every digest (MJML-filled HTML, text
 * part, chart from the worker pool) has reached the sink. Prints total time, digests/s and the worker's peak
 * RSS. Baseline in the same run: nodemailer pooled (same pool size) sending the same number of pre-rendered
 * messages of the same size to the same sink. Targets (issue 12): <= 120 s for 10,000 (aim 60), RSS <= 300 MB.
 * The machine has 2 cores shared with other work: figures are noisy, the ratio to the baseline less so.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import nodemailer from 'nodemailer';
import { previewDigest } from '../src/app/digests/preview-digest.js';
import { buildConfig } from '../src/config/index.js';
import { applyRollupDeltas, type RollupDelta } from '../src/db/rollups.js';
import { lastWholePeriod } from '../src/domain/digest-schedule.js';
import { createLogger } from '../src/infra/logger.js';
import { compileDigestTemplate } from '../src/mail/digest-template.js';
import { createApp } from '../src/main/create-app.js';
import { freePort } from '../test/helpers/net.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const N = Number(arg('partners', '10000'));
const DB = arg('db', 'sqlite');
const RATE = arg('rate', '1000');
const PROFILE = arg('profile', '');
const TSX = process.argv.includes('--tsx');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

function lines(child: ChildProcess, on: (line: string) => void): void {
  let buf = '';
  child.stdout?.on('data', (c: Buffer) => {
    buf += c.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      on(buf.slice(0, i));
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
    }
  });
}

async function startSink(): Promise<{ child: ChildProcess; port: number; count: () => number; bytes: () => number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'digest-sink.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let count = 0;
  let bytes = 0;
  const port = await new Promise<number>((resolve) => {
    lines(child, (l) => {
      const p = /^port (\d+)/.exec(l);
      if (p) resolve(Number(p[1]));
      const c = /^count (\d+) bytes (\d+)/.exec(l);
      if (c) {
        count = Number(c[1]);
        bytes = Number(c[2]);
      }
    });
  });
  return { child, port, count: () => count, bytes: () => bytes };
}

async function seed(env: Record<string, string>, now: number): Promise<void> {
  const app = await createApp(buildConfig({ ...env, LOG_LEVEL: 'silent' }), {
    logger: createLogger('silent'),
    redis: null,
    readPool: false,
  });
  const t = performance.now();
  const db = app.db;
  const early = Date.UTC(2026, 0, 1);
  const [c1, c2] = await db('campaigns')
    .insert(
      ['Lucky Spins Casino', 'QuickLoan Finance'].map((name) => ({
        name,
        type: 'cpa',
        status: 'active',
        landing_url: 'https://offer.example.com/?c={clickid}',
        currency: 'USD',
        access: 'approval',
        created_at: early,
        updated_at: early,
      })),
    )
    .returning('id');
  const campaigns = [Number((c1 as { id: number }).id), Number((c2 as { id: number }).id)];
  const week = lastWholePeriod('weekly', 'UTC', now);
  for (let start = 0; start < N; start += 500) {
    const size = Math.min(500, N - start);
    const ids = (
      await db('partners')
        .insert(
          Array.from({ length: size }, (_, i) => ({
            name: `Bench Partner ${start + i + 1}`,
            email: `p${start + i + 1}@bench.example`,
            status: 'active',
            currency: 'USD',
            timezone: 'UTC',
            created_at: early,
            updated_at: early,
          })),
        )
        .returning('id')
    ).map((r) => Number((r as { id: number }).id));
    const deltas: RollupDelta[] = [];
    for (const [k, partnerId] of ids.entries()) {
      const campaignId = campaigns[k % 2] as number;
      for (let d = 0; d < 7; d++) {
        const at = week.from + d * 86_400_000 + 14 * 3_600_000;
        const base = { partnerId, campaignId, landingId: null, device: 'mobile', os: 'Android' };
        const clicks = 40 + ((partnerId * 7 + d * 13) % 60);
        deltas.push({ ...base, at, country: 'DE', typeKey: '', clicks });
        deltas.push({ ...base, at, country: 'FR', typeKey: '', clicks: Math.round(clicks / 2) });
        const conv = 1 + ((partnerId + d) % 4);
        deltas.push({
          ...base,
          at,
          country: 'DE',
          typeKey: 'deposit',
          convTotal: conv,
          convApproved: conv,
          payout: conv * 2500,
          payoutApproved: conv * 2500,
          revenue: conv * 4000,
        });
      }
    }
    await db.transaction((trx) => applyRollupDeltas(trx, deltas));
  }
  process.stdout.write(
    `seeded ${fmt(N)} partners with a week of rollups in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  await app.close();
}

async function baseline(
  env: Record<string, string>,
  sinkPort: number,
  now: number,
  sink: Awaited<ReturnType<typeof startSink>>,
): Promise<void> {
  const app = await createApp(buildConfig({ ...env, LOG_LEVEL: 'silent' }), {
    logger: createLogger('silent'),
    redis: null,
    readPool: false,
  });
  const template = await compileDigestTemplate();
  const sample = await previewDigest(
    { ...app, now: () => now },
    { config: app.config, template, renderChart: (spec) => app.charts.render(spec), logger: app.logger },
    1,
    { cadence: 'weekly' },
  );
  await app.close();
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sinkPort,
    pool: true,
    maxConnections: 5,
    maxMessages: 500,
    secure: false,
    ignoreTLS: true,
  });
  const before = sink.count();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      const i = next++;
      await t.sendMail({ ...sample.message, messageId: `<baseline.${i}@bench.example>` });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const ms = performance.now() - started;
  t.close();
  while (sink.count() < before + N) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(
    `baseline: nodemailer pooled, ${fmt(N)} pre-rendered messages of ~${fmt(Buffer.byteLength(String(sample.html)))} B HTML + chart: ${(ms / 1000).toFixed(1)} s, ${fmt((N * 1000) / ms)} msg/s\n`,
  );
}

/**
 * The worker script compiled next to the product's own build (dist/<key>/bench/), so the role runs as
 * operators run it: compiled JavaScript, chart threads loading .js. Under tsx every chart thread registered
 * the TypeScript loader too, which cost memory and start-up no deployment pays (`--tsx` keeps that way).
 */
async function compiledWorker(): Promise<string> {
  // @ts-expect-error bin/build.js is plain JavaScript without declarations.
  const { ensureBuild } = await import('../bin/build.js');
  const dist: string = await ensureBuild();
  const out = path.join(dist, 'bench', 'digest-worker.js');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(HERE, 'digest-worker.ts')],
    outfile: out,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-bench-digest-'));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const sink = await startSink();
  let pgName: string | null = null;
  const env: Record<string, string> = {
    DATA_DIR: dir,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    DIGEST_RATE_PER_SECOND: RATE,
    PUBLIC_URL: 'http://pd.example',
  };
  if (DB === 'postgres') {
    const admin = process.env['BENCH_PG_URL'] ?? 'postgres://partnerdesk_test:partnerdesk_test@127.0.0.1:5432/postgres';
    pgName = `pd_bench_digest_${process.pid}`;
    const k = knexFactory({ client: 'pg', connection: admin });
    await k.raw(`CREATE DATABASE ${pgName}`);
    await k.destroy();
    const u = new URL(admin);
    u.pathname = `/${pgName}`;
    env['DATABASE_URL'] = u.toString();
  }
  // Monday 09:30 UTC of this week: the weekly digest of last week is due for every partner.
  const d = new Date();
  const tickAt = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7), 9, 30);
  try {
    await seed(env, Date.now());
    process.stdout.write(`digest role: ${DB}, ${fmt(N)} partners, limiter ${RATE}/s, worker in its own process...\n`);
    const worker = spawn(
      process.execPath,
      [
        '--max-old-space-size=160',
        // --profile DIR: a CPU profile of the digest role (open it in Chrome's DevTools) to see where time goes.
        ...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []),
        ...(TSX ? ['--import', 'tsx', path.join(HERE, 'digest-worker.ts')] : [await compiledWorker()]),
      ],
      {
        env: { ...process.env, ...env, TICK_AT: String(tickAt), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
      lines(worker, (l) => {
        if (l.startsWith('{')) resolve(JSON.parse(l));
      });
      worker.on('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });
    const totalMs = Number(result['totalMs']);
    process.stdout.write(
      `digests: due ${fmt(Number(result['due']))}, created ${fmt(Number(result['created']))}, states ${JSON.stringify(result['states'])}\n` +
        `  tick ${(Number(result['tickMs']) / 1000).toFixed(1)} s; all delivered in ${(totalMs / 1000).toFixed(1)} s = ${fmt((N * 1000) / totalMs)} digests/s; worker peak RSS ${mb(Number(result['peakRss']))}; worker CPU ${(Number(result['cpuMs']) / N).toFixed(1)} ms per digest (all threads)\n` +
        `  memory at end ${JSON.stringify(result['mem'])}\n  HTML avg ${fmt(Number(result['avgHtml']))} B (max ${fmt(Number(result['maxHtml']))}); sink received ${fmt(sink.count())} messages, avg ${fmt(sink.bytes() / Math.max(1, sink.count()))} B\n`,
    );
    await baseline(env, sink.port, Date.now(), sink);
  } finally {
    sink.child.kill('SIGTERM');
    redis.kill('SIGTERM');
    if (pgName) {
      const k = knexFactory({
        client: 'pg',
        connection:
          process.env['BENCH_PG_URL'] ?? 'postgres://partnerdesk_test:partnerdesk_test@127.0.0.1:5432/postgres',
      });
      await k.raw(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await k.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
