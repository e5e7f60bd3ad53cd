/**
 * The worker process of bench/digest.ts: the real digest role (startDigestWorker) on the seeded database,
 * one tick at `TICK_AT`, then waits until no digest is pending and prints one JSON line with its figures.
 * Env: DATA_DIR/DATABASE_URL, REDIS_URL, SMTP_URL, DIGEST_RATE_PER_SECOND, TICK_AT (epoch ms), and for
 * experiments NOCHART=1, CONCURRENCY=N, CHART_THREADS=N.
 */

import type { ChartSpec } from '../src/charts/index.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/infra/logger.js';
import { startDigestWorker } from '../src/jobs/digests/start.js';
import { chartThreadsFor } from '../src/main/chart-threads.js';
import { createApp } from '../src/main/create-app.js';

const config = loadConfig();
// As `partnerdesk worker` sets it up: no read pool, chart threads as a worker-only process gets them
// (CHART_THREADS overrides, through the config).
const app = await createApp(config, {
  logger: createLogger('warn'),
  readPool: false,
  chartThreads: chartThreadsFor(config, false),
});
const renderChart = (spec: ChartSpec) => app.charts.render(spec);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const digests = await startDigestWorker(app, {
  schedule: false,
  pollMs: 500,
  // NOCHART=1: one chart rendered once and reused, to tell the chart's cost from the rest.
  ...(process.env['NOCHART']
    ? {
        renderChart: (() => {
          let png: Promise<Uint8Array> | null = null;
          return (spec: ChartSpec) => {
            png ??= renderChart(spec);
            return png;
          };
        })(),
      }
    : {}),
  ...(process.env['CONCURRENCY'] ? { concurrency: Number(process.env['CONCURRENCY']) } : {}),
});
const started = performance.now();
// All threads of the process (event loop and chart workers): the steadiest figure on a shared machine.
const cpuAtStart = process.cpuUsage();
const tick = await digests.tick(Number(process.env['TICK_AT']));
const tickMs = performance.now() - started;
for (;;) {
  const open = await app.db('digests').whereNotIn('state', ['sent', 'failed', 'skipped']).count({ n: '*' }).first();
  if (Number(open?.['n'] ?? 0) === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
const totalMs = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const states = await app.db('digests').select('state').count({ n: '*' }).groupBy('state');
const mem = process.memoryUsage();
const sizes = await app.db('digests').avg({ html: 'html_bytes' }).max({ maxHtml: 'html_bytes' }).first();
clearInterval(sampler);
process.stdout.write(
  `${JSON.stringify({ ...tick, tickMs, totalMs, cpuMs, peakRss, states, avgHtml: Number(sizes?.['html']), maxHtml: Number(sizes?.['maxHtml']), mem })}\n`,
);
await digests.close();
await app.close();
