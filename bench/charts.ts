/**
 * Chart render time: `npx tsx bench/charts.ts [--runs 200] [--out DIR]`.
 *
 * Times renderChart (SVG build + resvg PNG) for a 30-category bar chart and a 30-day line chart with two
 * series, 960 x 540, after a warm-up; the baseline, measured in the same run, is resvg rasterising and
 * encoding a near-empty SVG of the same size (the fixed cost no chart can avoid). Target: p95 < 30 ms, so a
 * report with its chart fits the bot's 150 ms budget. `--out DIR` also writes the sample PNGs there to look at.
 * Then a sustained run through the worker pool (`--sustained 1000` charts, 16 in flight, as the digest job
 * runs them): charts/s and the process's peak RSS, which must stay flat (the pool once grew ~5 MB a chart).
 * The machine has 2 cores shared with other work: figures are noisy, the ratio to the baseline less so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ChartSpec, createChartRenderer } from '../src/charts/index.js';
import { rasterise } from '../src/charts/rasterise.js';

const charts = createChartRenderer();
const renderChart = (spec: ChartSpec) => charts.render(spec);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const RUNS = Number(arg('runs', '200'));
const OUT = arg('out', '');
const SUSTAINED = Number(arg('sustained', '1000'));

const GEOS = 'US DE GB FR ES IT NL PL BR MX CA AU JP KR IN ID TR SE NO DK FI PT CZ AT CH BE IE RO HU GR'.split(' ');
const DAYS = Array.from({ length: 30 }, (_, i) => `Oct ${i + 2}`);
// A deterministic wobble so runs are comparable.
const wave = (i: number, base: number, amp: number) => Math.round(base + amp * Math.sin(i * 0.7) + ((i * 37) % 11));

export const SAMPLES: Record<string, ChartSpec> = {
  'bar-30-geos': {
    kind: 'bar',
    title: 'Payout by country',
    subtitle: 'Oct 2 – Oct 31, Europe/Berlin',
    categories: GEOS,
    series: [{ name: 'Payout', format: 'money', values: GEOS.map((_, i) => wave(i, 120_000, 60_000) * (30 - i)) }],
    currency: 'USD',
  },
  'line-30-days': {
    kind: 'line',
    title: 'Clicks and conversions per day',
    subtitle: 'Oct 2 – Oct 31, Europe/Berlin',
    categories: DAYS,
    series: [
      { name: 'Clicks', format: 'int', values: DAYS.map((_, i) => wave(i, 4_000, 900)) },
      { name: 'Conversions', format: 'int', values: DAYS.map((_, i) => wave(i + 2, 120, 40)) },
    ],
  },
};

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(run: () => Promise<unknown> | unknown): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 10; i++) await run();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

async function main(): Promise<void> {
  const base = await time(() =>
    rasterise(
      '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540"><rect x="9" y="9" width="20" height="20"/></svg>',
    ),
  );
  console.log(`baseline (resvg, near-empty 960x540): p50 ${base.p50.toFixed(2)} ms, p95 ${base.p95.toFixed(2)} ms`);
  for (const [name, spec] of Object.entries(SAMPLES)) {
    const r = await time(() => renderChart(spec));
    const png = await renderChart(spec);
    console.log(
      `${name}: p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms (${(r.p95 / base.p95).toFixed(1)}x baseline), ` +
        `${(png.length / 1024).toFixed(0)} KiB, target p95 < 30 ms: ${r.p95 < 30 ? 'met' : 'MISSED'}`,
    );
    if (OUT) {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(path.join(OUT, `${name}.png`), png);
    }
  }
  if (SUSTAINED > 0) await sustained(SAMPLES['line-30-days'] as ChartSpec);
  await charts.close();
}

/** Many charts through the pool at once, as a digest run does: throughput and memory over the whole run. */
async function sustained(spec: ChartSpec): Promise<void> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < SUSTAINED) {
        const i = next++;
        // A different picture each time, as every partner's is.
        await renderChart({ ...spec, series: spec.series.map((s) => ({ ...s, values: s.values.map((v) => v + i) })) });
      }
    }),
  );
  const ms = performance.now() - started;
  clearInterval(sampler);
  const mb = (b: number) => (b / 1048576).toFixed(0);
  console.log(
    `sustained (pool, 16 in flight): ${SUSTAINED} charts in ${(ms / 1000).toFixed(1)} s = ` +
      `${((SUSTAINED * 1000) / ms).toFixed(0)} charts/s; peak RSS ${mb(peak)} MB, at end ${mb(process.memoryUsage().rss)} MB`,
  );
}

// Only when run as a script: the samples are also imported to look at the pictures.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
