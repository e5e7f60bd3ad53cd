/**
 * CLI start-up: `npx tsx bench/cli.ts [--runs 7]` (`npm run bench:cli`).
 *
 * Runs, in the same session so the machine's load is shared alike: a bare `node -e 0` (the floor),
 * `partnerdesk --help`, and `partnerdesk chat --partner 1 --once balance` on the demo data (seeded once into
 * bench/.out/cli-demo; delete it to reseed). Each is a real child process through bin/partnerdesk.js, as a
 * user starts it. Wall time is measured around the spawn; peak RSS and CPU time (user + system, steadier
 * than wall time when other work shares the cores) come from a separate run with a tiny preload that reports
 * `process.resourceUsage()` at exit (so the timed runs carry no preload).
 * Targets (issue 9): --help <= 0.4 s and <= 80 MB; chat --once balance <= 1 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const RUNS = Number(arg('runs', '7'));
const BIN = path.resolve('bin/partnerdesk.js');
const DEMO_DIR = path.resolve('bench/.out/cli-demo');
const scratch = mkdtempSync(path.join(tmpdir(), 'pd-bench-cli-'));
const PRELOAD = path.join(scratch, 'max-rss.cjs');
writeFileSync(
  PRELOAD,
  "process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.PD_BENCH_RSS_FILE, u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime)); });\n",
);

const env = { ...process.env, DATA_DIR: DEMO_DIR, LOG_LEVEL: 'warn', SEED_DEMO: 'false' };

function run(args: string[], extraEnv: Record<string, string> = {}): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Peak RSS (MB) and CPU time (s) of one run: CPU time varies far less than wall time on a busy machine. */
function usage(args: string[]): { rssMb: number; cpuS: number } {
  const file = path.join(scratch, 'rss.txt');
  run(['--require', PRELOAD, ...args], { PD_BENCH_RSS_FILE: file });
  const [rssKb, cpuUs] = readFileSync(file, 'utf8').split(' ').map(Number);
  return { rssMb: (rssKb ?? 0) / 1024, cpuS: (cpuUs ?? 0) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Row {
  name: string;
  args: string[];
  wallTarget?: number;
  rssTarget?: number;
}

function measure(row: Row): void {
  run(row.args); // warm the page cache (and the build, if sources changed)
  const walls = Array.from({ length: RUNS }, () => run(row.args).ms / 1000);
  const { rssMb: rss, cpuS } = usage(row.args);
  const wall = median(walls);
  const verdict = (v: number, t: number | undefined) => (t === undefined ? '' : v <= t ? ' ok' : ' MISSED');
  console.log(
    `${row.name.padEnd(34)} wall median ${wall.toFixed(3)} s (min ${Math.min(...walls).toFixed(3)})` +
      `${row.wallTarget ? ` target <= ${row.wallTarget} s${verdict(wall, row.wallTarget)}` : ''}` +
      `   CPU ${cpuS.toFixed(2)} s   peak RSS ${rss.toFixed(0)} MB${row.rssTarget ? ` target <= ${row.rssTarget} MB${verdict(rss, row.rssTarget)}` : ''}`,
  );
}

try {
  if (!existsSync(path.join(DEMO_DIR, 'partnerdesk.sqlite'))) {
    mkdirSync(DEMO_DIR, { recursive: true });
    console.log(`seeding the demo data into ${path.relative(process.cwd(), DEMO_DIR)} (once, ~20 s)...`);
    run([BIN, 'seed', '--demo']);
  }
  const balance = run([BIN, 'chat', '--partner', '1', '--once', 'balance']).stdout;
  if (!balance.includes('Available:')) throw new Error(`chat --once balance did not answer a balance:\n${balance}`);
  console.log(`${RUNS} runs each, median wall and min; peak RSS from one more run\n`);
  measure({ name: 'node -e 0', args: ['-e', '0'] });
  measure({ name: 'partnerdesk --help', args: [BIN, '--help'], wallTarget: 0.4, rssTarget: 80 });
  measure({
    name: 'partnerdesk chat --once balance',
    args: [BIN, 'chat', '--partner', '1', '--once', 'balance'],
    wallTarget: 1,
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
