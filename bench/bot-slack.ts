/**
 * The Slack mode of bench/bot.ts (`npm run bench:bot -- --slack [--seconds 10] [--warmup 2] [--users 200]
 * [--clicks 200000] [--conversions 10000]`): signed `/pd` slash commands into the real HTTP server
 * (/slack/events -> our Fastify receiver -> Bolt -> bot core -> response_url / files.uploadV2), the Slack Web API
 * faked on loopback in a child process (bench/bot-slack-driver.ts) that also drives the load, beside a bare
 * Bolt app (its own HTTPReceiver) that only acknowledges, measured in the same run.
 *
 * Phases: bare Bolt ack with 200 users flat out (the floor); partnerdesk `balance` with 200 users flat out
 * (ack p99 under load); `balance` and `report 30d` (table + PNG chart uploaded into the DM) at a human pace
 * (each user thinks 2.5-7.5 s). Targets: ack p99 <= 100 ms at 200 concurrent users, balance reply p95 <= 150 ms,
 * report with the chart uploaded p95 <= 500 ms at a human pace. The data is bench/bot-data.ts's (a smaller
 * default than the Telegram mode's 10M clicks, so it is generated in seconds; pass --clicks for more).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App as BoltApp } from '@slack/bolt';
import { slackChatUser } from '../bots/slack/partner-handlers.js';
import { createSlackBot } from '../bots/slack/slack-bot.js';
import { linkChatDirectly } from '../src/app/chat/link-chat.js';
import { buildConfig } from '../src/config/config.js';
import { createReadDb } from '../src/db/knex.js';
import { buildServer } from '../src/http/server.js';
import { createApp } from '../src/main/create-app.js';
import { DATA_END, openBotBenchData } from './bot-data.js';
import type { FromSlackChild, SlackPhase, SlackPhaseResult } from './bot-slack-driver.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 'bench-slack-signing-secret';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const ms = (n: number) => (Number.isNaN(n) ? '   n/a' : `${n.toFixed(n < 10 ? 1 : 0).padStart(5)} ms`);

function startDriver(): Promise<{ child: ChildProcess; apiUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(HERE, 'bot-slack-driver.ts'), [], { execArgv: process.execArgv });
    child.once('error', reject);
    child.once('message', (m: FromSlackChild) => {
      if (m.type === 'ready') resolve({ child, apiUrl: m.apiUrl });
    });
  });
}

function runPhase(child: ChildProcess, userIds: string[], phase: SlackPhase): Promise<SlackPhaseResult> {
  return new Promise((resolve) => {
    const on = (m: FromSlackChild) => {
      if (m.type !== 'result') return;
      child.off('message', on);
      resolve(m.result);
    };
    child.on('message', on);
    child.send({ type: 'phase', secret: SECRET, userIds, phase });
  });
}

export async function runSlackBench(): Promise<void> {
  const seconds = Number(arg('seconds', '10'));
  const warmupSec = Number(arg('warmup', '2'));
  const users = Number(arg('users', arg('chats', '200')));
  const clicks = Number(arg('clicks', '200000'));
  const conversions = Number(arg('conversions', '10000'));
  console.log(
    `bot benchmark, Slack: signed /pd commands -> /slack/events -> Bolt -> core -> fake Slack; ${users} users, ${clicks.toLocaleString('en-US')} clicks (2 shared cores: figures are noisy)`,
  );
  const data = await openBotBenchData(clicks, conversions, process.argv.includes('--fresh'), console.log);
  const { child, apiUrl } = await startDriver();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pd-bench-slack-'));
  const config = buildConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
  });
  const skew = DATA_END - 3_600_000 - Date.now();
  const file = (data.db.client.config.connection as { filename: string }).filename;
  const readDb = createReadDb({ client: 'sqlite', filename: file }) ?? undefined;
  const app = await createApp(config, { db: data.db, readDb, redis: null, now: () => Date.now() + skew });
  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/slack/events`;
  const bot = createSlackBot(app, { botId: 'B0BENCH', botUserId: 'U0BENCHBOT', mode: 'http' });
  await bot.start();

  // The floor: Bolt's own HTTP receiver and a listener that only acknowledges.
  const bare = new BoltApp({
    signingSecret: SECRET,
    token: 'xoxb-bare',
    botId: 'B0BARE',
    botUserId: 'U0BARE',
    clientOptions: { slackApiUrl: apiUrl },
  });
  bare.command('/pd', async ({ ack }) => {
    await ack();
  });
  const bareServer = (await bare.start(0)) as Server;
  const bareAddr = bareServer.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}/slack/events`;

  const userIds = Array.from({ length: users }, (_, i) => `U0B${String(i).padStart(6, '0')}`);
  for (const [i, u] of userIds.entries()) {
    const partnerId = data.partnerIds[i % data.partnerIds.length] as number;
    await linkChatDirectly(app, slackChatUser('T0FAKE0001', u), partnerId);
  }
  console.log(`${users} Slack users linked to ${Math.min(users, data.partnerIds.length)} partners; events at ${url}`);

  const base = { seconds, warmupSec, files: false, ackOnly: false, thinkMs: 0, skewMs: skew };
  const phases: (SlackPhase & { target?: { what: 'ack p99' | 'reply p95'; ms: number } })[] = [
    // Bolt's own receiver checks the signature against the real clock.
    { ...base, name: 'bare Bolt ack only, flat out', text: 'balance', url: bareUrl, ackOnly: true, skewMs: 0 },
    {
      ...base,
      name: 'balance, flat out (ack)',
      text: 'balance',
      url,
      target: { what: 'ack p99', ms: 100 },
    },
    {
      ...base,
      name: 'balance, human pace',
      text: 'balance',
      url,
      thinkMs: 5000,
      target: { what: 'reply p95', ms: 150 },
    },
    {
      ...base,
      name: 'report 30d + chart upload, human pace',
      text: 'report 30d',
      url,
      thinkMs: 5000,
      files: true,
      target: { what: 'reply p95', ms: 500 },
    },
  ];
  console.log(
    `${'phase'.padEnd(40)} ${'n'.padStart(6)}  ack p50    ack p99  reply p50  reply p95  reply p99  errors  target`,
  );
  for (const phase of phases) {
    const r = await runPhase(child, userIds, phase);
    const t = phase.target;
    const figure = t ? (t.what === 'ack p99' ? pct(r.acks, 99) : pct(r.replies, 95)) : Number.NaN;
    const verdict = t ? `${t.what} <= ${t.ms} ms: ${figure <= t.ms ? 'met' : 'MISSED'}` : '';
    console.log(
      `${phase.name.padEnd(40)} ${String(r.acks.length).padStart(6)} ${ms(pct(r.acks, 50))} ${ms(pct(r.acks, 99))}   ${ms(pct(r.replies, 50))}   ${ms(pct(r.replies, 95))}   ${ms(pct(r.replies, 99))}  ${String(r.errors + r.timeouts).padStart(6)}  ${verdict}`,
    );
  }
  child.disconnect();
  await bot.stop();
  await bare.stop();
  await server.close();
  await app.close();
  await data.db.destroy().catch(() => {});
  await readDb?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
