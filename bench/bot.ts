/**
 * Telegram bot latency, update received -> reply sent: `npx tsx bench/bot.ts [--seconds 10] [--warmup 2]
 * [--chats 200] [--think MS] [--only balance,report] [--clicks 10000000] [--conversions 500000] [--fresh]
 * [--profile DIR]` (`npm run bench:bot`). Without --think, runs think 0 and think 5000.
 *
 * This process runs the bot as production does at scale: createApp + the HTTP server + startTelegramBot in
 * WEBHOOK mode over the 10M-click report benchmark data (bench/bot-data.ts; SQLite). A child process
 * (bench/bot-driver.ts) plays Telegram: a Bot API server on 127.0.0.1 and `--chats` distinct partners' chats
 * (spread over the 50 partners) posting Update JSON to POST /telegram/webhook with the secret, in a CLOSED
 * loop: each chat sends its next command when its previous reply has fully arrived, after `--think` ms
 * (0: at once, i.e. the bot runs saturated; else 0.5-1.5x that, random, and the first updates are staggered
 * over one think time). `--profile DIR` writes a CPU profile of the bot process during each report phase. Latency = POST sent -> last Bot API call of the reply
 * (balance: sendMessage; report: sendMessage + sendPhoto). Phases: `help` (baseline: no report or ledger
 * work, only the identity look-up every command does), `balance`, `report 30d by geo` (table + chart).
 * Target (issue 4): p95 <= 50 ms for balance, <= 150 ms for the report. With think 0 a closed loop obeys
 * Little's law (latency ~ chats / throughput), so the figure that answers "200 partners at once" is the one
 * with a human think time; both are printed by default. 2 shared cores: figures are noisy.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBotCore } from '../bots/core/bot-core.js';
import { startTelegramBot } from '../bots/telegram/telegram-bot.js';
import { createApp } from '../src/app/create-app.js';
import { linkChatDirectly } from '../src/app/link-chat.js';
import { buildConfig } from '../src/config/config.js';
import { buildServer } from '../src/http/server.js';
import { DATA_END, openBotBenchData } from './bot-data.js';
import type { PhaseResult, PhaseSpec, ToChild, ToParent } from './bot-driver.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const SECONDS = Number(arg('seconds', arg('duration', '10')));
const WARMUP = Number(arg('warmup', '2'));
const CHATS = Number(arg('chats', '200'));
const THINK = arg('think', '');
const PROFILE = arg('profile', '');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const USER_BASE = 880_000_000;
const TARGETS: Record<string, number> = { balance: 50, report: 150 };

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function startDriver(): Promise<{ child: ChildProcess; apiRoot: string }> {
  return new Promise((resolve, reject) => {
    // fork() reuses this process's execArgv, i.e. tsx's loader; the profiler flag is not passed on.
    const child = fork(path.join(HERE, 'bot-driver.ts'), [], { execArgv: process.execArgv });
    child.once('message', (m: ToParent) => (m.type === 'ready' ? resolve({ child, apiRoot: m.apiRoot }) : undefined));
    child.once('exit', (code) => reject(new Error(`load driver exited with ${code}`)));
  });
}

function runPhase(child: ChildProcess, msg: Omit<ToChild, 'type' | 'phase'>, phase: PhaseSpec): Promise<PhaseResult> {
  return new Promise((resolve) => {
    const on = (m: ToParent) => {
      if (m.type !== 'result') return;
      child.off('message', on);
      resolve(m.result);
    };
    child.on('message', on);
    child.send({ type: 'phase', ...msg, phase } satisfies ToChild);
  });
}

async function main(): Promise<void> {
  const clicks = Number(arg('clicks', '10000000'));
  const conversions = Number(arg('conversions', '500000'));
  console.log(
    `bot benchmark: Telegram webhook -> bot core -> Bot API, ${CHATS} chats, ${clicks.toLocaleString('en-US')} clicks (2 shared cores: figures are noisy)`,
  );
  const data = await openBotBenchData(clicks, conversions, process.argv.includes('--fresh'), console.log);
  const { child, apiRoot } = await startDriver();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pd-bench-bot-'));
  const secret = 'bench-webhook-secret';
  // Port 0 would leave PUBLIC_URL (the setWebhook URL) unknown until listen; it is only told to the fake.
  const config = buildConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: '123456:bench',
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_SECRET: secret,
  });
  // The clock stands an hour before the end of the data, so "30d" covers the generated traffic.
  const skew = DATA_END - 3_600_000 - Date.now();
  const app = await createApp(config, { db: data.db, redis: null, now: () => Date.now() + skew });
  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  const webhookUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/telegram/webhook`;
  const bot = await startTelegramBot(app, createBotCore(app), { mode: 'webhook' });

  const userIds = Array.from({ length: CHATS }, (_, i) => USER_BASE + i);
  for (const [i, userId] of userIds.entries()) {
    const partnerId = data.partnerIds[i % data.partnerIds.length] as number;
    await linkChatDirectly(app, { platform: 'telegram', userId: String(userId), chatId: String(userId) }, partnerId);
  }
  console.log(`${CHATS} chats linked to ${Math.min(CHATS, data.partnerIds.length)} partners; webhook ${webhookUrl}`);

  const thinks = THINK ? [Number(THINK)] : [0, 5000];
  const only = arg('only', '');
  const commands = (
    [
      ['help', '/help'],
      ['balance', '/balance'],
      ['report', '/report 30d by geo'],
    ] as const
  ).filter(([name]) => !only || name === 'help' || only.split(',').includes(name));
  const session = PROFILE ? new Session() : null;
  try {
    for (const think of thinks) {
      console.log(
        think === 0
          ? `\n-- closed loop, no think time (saturation: latency ~ ${CHATS} / throughput) --`
          : `\n-- closed loop, think time ${think} ms (0.5-1.5x, random) per chat: ${CHATS} partners, each sending a command every ~${(think / 1000).toFixed(0)} s --`,
      );
      let baseline = Number.NaN;
      for (const [name, text] of commands) {
        if (session && name === 'report') {
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
        }
        const r = await runPhase(
          child,
          { webhookUrl, secret, userIds },
          // With a think time, steady state comes after the staggered first updates (one think time).
          { name, text, warmupSec: Math.max(WARMUP, (1.5 * think) / 1000), seconds: SECONDS, thinkMs: think },
        );
        if (session && name === 'report') {
          const { profile } = await session.post('Profiler.stop');
          const file = path.join(PROFILE, `bot-report-think${think}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          session.disconnect();
          console.log(`  (cpu profile of this phase: ${file})`);
        }
        const xs = r.latencies;
        const p95 = percentile(xs, 95);
        if (name === 'help') baseline = p95;
        const target = TARGETS[name];
        const verdict = target === undefined ? '' : `  target p95 <= ${target} ms: ${p95 <= target ? 'met' : 'MISSED'}`;
        console.log(
          `${name.padEnd(8)} ${String(xs.length).padStart(6)} replies  ${(xs.length / r.seconds).toFixed(0).padStart(5)}/s  ` +
            `p50 ${ms(percentile(xs, 50))}  p95 ${ms(p95)}  p99 ${ms(percentile(xs, 99))}  ` +
            `(${(p95 / baseline).toFixed(1)}x help p95; ${r.callsPerReply} Bot API call${r.callsPerReply > 1 ? 's' : ''})${verdict}`,
        );
        console.log(`  reply: "${r.sample}…"`);
        if (r.timeouts || r.strays || r.httpErrors) {
          console.log(`  !! ${r.timeouts} replies timed out, ${r.strays} stray calls, ${r.httpErrors} webhook errors`);
        }
      }
    }
  } finally {
    child.disconnect();
    await bot.stop();
    await server.close();
    await app.close();
    await data.db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
