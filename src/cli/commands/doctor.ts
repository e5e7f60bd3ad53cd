import { accessSync, constants, existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { RedisOptions } from 'ioredis';
import { type Config, ConfigError, loadConfig } from '../../config/index.js';
import { probeDatabase } from '../../db/probe-database.js';
import { pingRedis as ping } from '../../infra/redis-ping.js';
import { createMailTransport } from '../../mail/transport.js';
import { describeDatabase, describeUrlHost, shortPath } from '../banner.js';
import { checkSlackToken } from './doctor-slack.js';
import { checkManagerChannel } from './doctor-slack-manager.js';

/** One line of the doctor's report. `fix` is shown only with a problem. */
interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const ok = (name: string, detail: string): Check => ({ name, ok: true, detail });
const problem = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

function which(cmd: string, envPath: string): string | null {
  for (const dir of [...envPath.split(path.delimiter), '/usr/sbin', '/usr/local/sbin']) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return path.join(dir, cmd);
    } catch {
      // not in this directory
    }
  }
  return null;
}

async function checkDatabase(config: Config): Promise<Check> {
  const where = describeDatabase(config);
  if (config.database.client === 'sqlite' && !existsSync(config.database.filename)) {
    return problem(
      'database',
      `${where} does not exist yet`,
      'run `npx partnerdesk migrate` (or `npm start`, which also seeds demo data)',
    );
  }
  try {
    const { applied, pending } = await probeDatabase(config.database);
    if (pending > 0) {
      return problem('database', `${where}: ${pending} migration(s) pending`, 'run `npx partnerdesk migrate`');
    }
    return ok('database', `${where}, ${applied} migration(s), schema current`);
  } catch (err) {
    return problem(
      'database',
      `${where}: ${(err as Error).message}`,
      config.database.client === 'pg'
        ? 'check that PostgreSQL runs and DATABASE_URL (host, port, user, password, database) is right'
        : `check that ${shortPath(config.dataDir)} is writable`,
    );
  }
}

async function checkRedis(config: Config, envPath: string): Promise<Check> {
  if (config.redisUrl) {
    const where = describeUrlHost(config.redisUrl);
    try {
      await ping({ ...parseRedisUrl(config.redisUrl) });
      return ok('redis', `REDIS_URL ${where} answers PING`);
    } catch (err) {
      return problem(
        'redis',
        `REDIS_URL ${where}: ${(err as Error).message}`,
        'start that Redis, fix REDIS_URL, or unset it to let partnerdesk run its own',
      );
    }
  }
  const binary = which('redis-server', envPath);
  if (!binary) {
    return problem(
      'redis',
      'REDIS_URL is unset and redis-server is not installed',
      '`npm start` installs it when it may; else `sudo apt-get install redis-server`, or set REDIS_URL',
    );
  }
  const socket = path.join(config.dataDir, 'redis', 'redis.sock');
  if (existsSync(socket)) {
    try {
      await ping({ path: socket });
      return ok('redis', `local server running at unix:${shortPath(socket)}`);
    } catch {
      // a stale socket file from a stopped server: fine, start makes a new one
    }
  }
  return ok(
    'redis',
    `local: ${binary} found; \`npm start\` starts it under ${shortPath(path.join(config.dataDir, 'redis'))}`,
  );
}

/** ioredis takes a URL too, but an options object lets the same ping() serve sockets and URLs. */
function parseRedisUrl(raw: string): RedisOptions {
  const u = new URL(raw);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(u.pathname.length > 1 && { db: Number(u.pathname.slice(1)) }),
    ...(u.protocol === 'rediss:' && { tls: {} }),
  };
}

function tcpConnect(host: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(ms, () => done(new Error(`no answer within ${ms / 1000} s`)));
    socket.once('connect', () => done());
    socket.once('error', (err) => done(err));
  });
}

async function checkSmtp(config: Config): Promise<Check> {
  if (!config.mail.smtpUrl) {
    return ok('mail', `SMTP_URL unset: mail is written to ${shortPath(config.mail.outboxDir)}/`);
  }
  let u: URL;
  try {
    u = new URL(config.mail.smtpUrl);
  } catch {
    return problem('mail', 'SMTP_URL is not a URL', 'write it like smtp://user:pass@smtp.example.com:587');
  }
  const port = Number(u.port || (u.protocol === 'smtps:' ? 465 : 587));
  try {
    await tcpConnect(u.hostname, port, 3000);
    // Digests: greet the server and log in as the digest worker would (EHLO, STARTTLS when offered, AUTH).
    const transport = createMailTransport(config.mail, { maxConnections: 1 });
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
    return ok('mail', `SMTP ${u.hostname}:${port} accepts connections and our login`);
  } catch (err) {
    return problem(
      'mail',
      `SMTP ${u.hostname}:${port}: ${(err as Error).message}`,
      'check SMTP_URL host and port, and that outbound SMTP is not blocked',
    );
  }
}

function checkBots(config: Config): Check[] {
  const out: Check[] = [];
  if (!config.telegram) out.push(ok('telegram', 'off (set TELEGRAM_BOT_TOKEN to enable)'));
  else if (!/^\d{5,}:[A-Za-z0-9_-]{30,}$/.test(config.telegram.token)) {
    out.push(
      problem(
        'telegram',
        'TELEGRAM_BOT_TOKEN does not look like a bot token',
        'copy it from @BotFather; it looks like 123456789:AA...',
      ),
    );
  } else out.push(ok('telegram', `token set${config.telegram.webhookSecret ? ', webhook mode' : ', polling mode'}`));
  if (!config.slack) out.push(ok('slack', 'off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to enable)'));
  else if (config.slack.botToken && !config.slack.botToken.startsWith('xoxb-')) {
    out.push(
      problem('slack', 'SLACK_BOT_TOKEN does not start with xoxb-', "use the app's Bot User OAuth Token (xoxb-...)"),
    );
  } else if (config.slack.appToken && !config.slack.appToken.startsWith('xapp-')) {
    out.push(
      problem(
        'slack',
        'SLACK_APP_TOKEN does not start with xapp-',
        'use an app-level token with connections:write (xapp-...)',
      ),
    );
  } else out.push(ok('slack', `token set, ${config.slack.appToken ? 'Socket Mode' : 'HTTP events'}`));
  return out;
}

function checkDataDir(config: Config): Check {
  const dir = config.dataDir;
  if (!existsSync(dir)) return ok('data dir', `${shortPath(dir)} will be created on first start`);
  try {
    accessSync(dir, constants.W_OK);
    return ok('data dir', `${shortPath(dir)} is writable`);
  } catch {
    return problem('data dir', `${shortPath(dir)} is not writable`, 'fix its permissions or point DATA_DIR elsewhere');
  }
}

export async function runDoctor(envPath: string): Promise<number> {
  const checks: Check[] = [];
  let config: Config | null = null;
  try {
    config = loadConfig();
    checks.push(ok('config', 'environment and .env parsed'));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push(
      problem('config', err.message.replace(/\n\s*/g, '; '), 'fix the variables named above (see .env.example)'),
    );
  }
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  checks.push(
    major > 20 || (major === 20 && minor >= 17)
      ? ok('node', `v${process.versions.node}`)
      : problem('node', `v${process.versions.node} is too old`, 'install Node.js 20.17 or newer'),
  );
  if (config) {
    checks.push(checkDataDir(config));
    checks.push(await checkDatabase(config));
    checks.push(await checkRedis(config, envPath));
    checks.push(await checkSmtp(config));
    checks.push(...checkBots(config));
    for (const c of await checkSlackToken(config)) checks.push({ name: 'slack', ...c });
    checks.push(checkManagerChannel(config)); // the Slack manager channel settings (bots/slack/manager)
  }
  for (const c of checks) {
    console.log(`${c.ok ? 'ok     ' : 'PROBLEM'}  ${c.name.padEnd(9)} ${c.detail}`);
    if (!c.ok && c.fix) console.log(`${' '.repeat(19)}fix: ${c.fix}`);
  }
  const problems = checks.filter((c) => !c.ok).length;
  console.log(problems === 0 ? '\nAll checks passed.' : `\n${problems} problem(s) found.`);
  return problems === 0 ? 0 : 1;
}
