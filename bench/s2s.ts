/**
 * S2S conversion throughput: `npx tsx bench/s2s.ts [seconds] [--db postgres]` (or `npm run bench:s2s`).
 *
 * Boots the real app on a fresh SQLite file (or, with `--db postgres`, a throwaway PostgreSQL database; see
 * bench-database.ts), no Redis, seeds one partner, one campaign and 200k clicks,
 * then drives GET /postback with autocannon from a CHILD process (so the load generator does not share the
 * server's event loop), one unique clickid per request. A bare 200 route on the same server, measured in
 * the same run, is the baseline. Afterwards it checks conversion rows == 2xx answers (plus the requests
 * still in flight at the deadline) and that every conversion has its ledger entry. Target (issue 2): >= 3,000 conversions/s on SQLite, 2 cores.
 * Figures are noisy on a shared machine; compare the ratio to the baseline more than absolute numbers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchDatabase, benchFlavorOf, countStatements } from './bench-database.js';
import { databaseOf, postgresCpuSeconds } from './cpu.js';

const CLICKS = 200_000;
const CONNECTIONS = 64;

interface ClientOptions {
  url: string;
  seconds: number;
  /** With clicks: path prefix to which `clickid=<id>` is appended, one unique id per request. */
  postback: boolean;
  clicks: number;
}

interface ClientResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  ok: number;
}

const clickIdOf = (i: number) => `bench${String(i).padStart(10, '0')}`;

async function runClient(opts: ClientOptions): Promise<ClientResult> {
  let n = 0;
  const instance = autocannon({
    url: opts.url,
    connections: CONNECTIONS,
    duration: opts.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          if (opts.postback) {
            // Past the seeded clicks the ids wrap around and become duplicates; 200k outlasts 10 s here.
            const id = clickIdOf(n++ % opts.clicks);
            req.path = `/postback?clickid=${id}&sum=10.00&type=Deposit&txid=b&status=approved`;
          }
          return req;
        },
      },
    ],
  });
  const r = await instance;
  return {
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    ok: r['2xx'],
  };
}

/** Runs autocannon in a child process and returns its figures. */
function drive(opts: ClientOptions): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    // fork() reuses this process's execArgv, i.e. tsx's loader, so the child can run this same file.
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--client', JSON.stringify(opts)]);
    child.once('message', (m) => resolve(m as ClientResult));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`client exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
  const database = await benchDatabase(benchFlavorOf(process.argv.slice(2)));
  // Imported here so the client child does not load the app.
  const { createApp } = await import('../src/main/create-app.js');
  const { buildConfig } = await import('../src/config/index.js');
  const { buildServer } = await import('../src/http/server.js');
  const { createLogger } = await import('../src/infra/logger.js');

  const dir = mkdtempSync(path.join(tmpdir(), 'pd-bench-s2s-'));
  const config = buildConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '0', SEED_DEMO: 'false', ...database.env });
  const app = await createApp(config, { redis: null, logger: createLogger('silent') });
  try {
    const db = app.db;
    const now = Date.now();
    const [partner] = await db('partners')
      .insert({ name: 'Bench', email: 'bench@example.com', created_at: now, updated_at: now })
      .returning('id');
    const partnerId = (partner as { id: number }).id;
    const [campaign] = await db('campaigns')
      .insert({
        name: 'Bench',
        type: 'cpa',
        landing_url: 'https://example.com/?c={clickid}',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const campaignId = (campaign as { id: number }).id;
    await db('campaign_payouts').insert([
      { campaign_id: campaignId, conversion_type: 'Lead', type_key: 'lead', kind: 'fixed', amount: 200 },
      { campaign_id: campaignId, conversion_type: 'Deposit', type_key: 'deposit', kind: 'fixed', amount: 5000 },
    ]);
    const t0 = Date.now();
    await db.transaction(async (trx) => {
      const rows = [];
      for (let i = 0; i < CLICKS; i++) {
        rows.push({
          click_id: clickIdOf(i),
          campaign_id: campaignId,
          partner_id: partnerId,
          country: ['DE', 'US', 'FR', 'GB'][i % 4],
          device: i % 3 === 0 ? 'mobile' : 'desktop',
          os: 'Windows',
          created_at: now - (i % 86_400) * 1000,
        });
        if (rows.length === 500) await trx('clicks').insert(rows.splice(0));
      }
      if (rows.length) await trx('clicks').insert(rows);
    });
    console.log(`seeded ${CLICKS} clicks in ${Date.now() - t0} ms`);

    const server = await buildServer(app);
    server.get('/bench/bare', async () => ({ status: 'ok' }));
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

    const bare = await drive({
      url: `${base}/bench/bare`,
      seconds: Math.max(3, Math.round(seconds / 2)),
      postback: false,
      clicks: 0,
    });
    const statements = countStatements(db);
    const cpu0 = process.cpuUsage();
    const pg0 = postgresCpuSeconds(databaseOf(database.env));
    const s2s = await drive({ url: base, seconds, postback: true, clicks: CLICKS });
    await server.close();
    // Requests cut off at the deadline may still be queued for writing; count after they are booked.
    await app.conversionWriter.close();
    const cpu = process.cpuUsage(cpu0);
    const pgCpu = postgresCpuSeconds(databaseOf(database.env)) - pg0;
    const statementCount = statements.count;

    const conversions = Number((await db('conversions').count({ n: '*' }).first())?.n ?? 0);
    const withLedger = Number(
      (await db('ledger_entries').countDistinct({ n: 'conversion_id' }).whereNotNull('conversion_id').first())?.n ?? 0,
    );
    // autocannon stops at the deadline with up to CONNECTIONS requests in flight: the server books those,
    // but their answers are not counted, so rows may exceed 2xx by at most that many.
    const expectedNew = Math.min(s2s.ok, CLICKS);
    const rowsMatch = conversions >= expectedNew && conversions <= Math.min(expectedNew + CONNECTIONS, CLICKS);
    const batches = (await app.metrics.batchSize.get()).values;
    const batchCount = batches.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const batchSum = batches.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const f = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(`\nS2S /postback on ${database.label}, ${CONNECTIONS} connections, client in a child process`);
    console.log(`  baseline bare 200 : ${f(bare.rps)} req/s   p50 ${bare.p50} ms   p99 ${bare.p99} ms`);
    console.log(`  postback          : ${f(s2s.rps)} conversions/s   p50 ${s2s.p50} ms   p99 ${s2s.p99} ms`);
    console.log(`  ratio to baseline : ${(s2s.rps / bare.rps).toFixed(2)}`);
    console.log(`  2xx ${f(s2s.ok)}  non-2xx ${s2s.non2xx}  errors ${s2s.errors}  timeouts ${s2s.timeouts}`);
    console.log(
      `  conversion rows ${f(conversions)} (2xx ${f(expectedNew)} + up to ${CONNECTIONS} in flight), with ledger entries ${f(withLedger)}`,
    );
    console.log(
      `  write batches ${f(batchCount)}, mean ${(batchSum / Math.max(1, batchCount)).toFixed(1)} conversions each`,
    );
    const booked = Math.max(1, batchSum);
    console.log(
      `  CPU per conversion: server process ${f((cpu.user + cpu.system) / booked)} µs` +
        (database.label === 'SQLite' ? '' : `, PostgreSQL ${f((pgCpu * 1e6) / booked)} µs (this database's backends)`),
    );
    if (database.label !== 'SQLite') {
      console.log(
        `  statements ${f(statementCount)}: ${(statementCount / Math.max(1, batchCount)).toFixed(1)} per batch, ${(statementCount / Math.max(1, batchSum)).toFixed(2)} per conversion`,
      );
    }
    console.log(
      `  target >= 3,000/s: ${s2s.rps >= 3000 ? 'met' : 'NOT met'} (shared 2-core machine: figures are noisy)`,
    );
    if (!rowsMatch || withLedger !== conversions || s2s.non2xx > 0 || s2s.errors > 0) {
      console.error('verification FAILED: rows, ledger entries and 2xx answers disagree');
      process.exitCode = 1;
    }
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--client') {
  const opts = JSON.parse(process.argv[3] ?? '{}') as ClientOptions;
  runClient(opts).then(
    (r) => process.send?.(r, () => process.exit(0)),
    (err) => {
      console.error(String(err?.stack ?? err).slice(0, 2000));
      process.exit(1);
    },
  );
} else {
  main().catch((err) => {
    console.error(String(err?.stack ?? err).slice(0, 2000));
    process.exit(1);
  });
}
