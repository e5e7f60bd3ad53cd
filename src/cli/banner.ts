import path from 'node:path';
import type { Config } from '../config/index.js';

/** What `start` prints once everything listens: what runs where, the demo key, examples, next steps. */
export interface BannerInfo {
  config: Config;
  /** Where the HTTP server actually listens (PORT=0 picks a free port). */
  httpUrl: string | null;
  redis: string;
  worker: boolean;
  /** The Telegram bot runs in this process (the `bots` role, or `start` with a token). */
  bots?: boolean;
  demoKey: string | null;
  seeded: { partners: number; campaigns: number; clicks: number; conversions: number; seconds: number } | null;
  example: { campaignId: number; partnerId: number; type: string } | null;
}

/** A place, relative to the working directory when it is inside it, for shorter lines. */
export function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel}` : p;
}

/** Never prints credentials: a PostgreSQL or SMTP URL shows host and database only. */
export function describeDatabase(config: Config): string {
  if (config.database.client === 'sqlite') return `SQLite ${shortPath(config.database.filename)}`;
  const u = new URL(config.database.url);
  return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

export function describeUrlHost(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

function bots(config: Config): string {
  const tg = config.telegram
    ? `Telegram on (${config.telegram.webhookSecret ? `webhook ${config.publicUrl}/telegram/webhook` : 'long polling'})`
    : 'Telegram off (set TELEGRAM_BOT_TOKEN)';
  const slack = !config.slack
    ? 'Slack off (set SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET)'
    : config.slack.appToken
      ? 'Slack on (Socket Mode)'
      : `Slack on (events ${config.publicUrl}/slack/events${config.slack.oauth ? `, install ${config.publicUrl}/slack/install` : ''})`;
  return `${tg} · ${slack}`;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function renderBanner(b: BannerInfo, now: number): string {
  const c = b.config;
  const base = b.httpUrl ?? c.publicUrl;
  const key = b.demoKey ?? '<your API key>';
  const roles = [b.httpUrl && 'HTTP', b.worker && 'worker', b.bots && 'bots'].filter(Boolean).join(' + ') || 'idle';
  const lines: string[] = ['', `partnerdesk is running (${roles})`, ''];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(9)} ${value}`);
  if (b.httpUrl) {
    row('HTTP', `${b.httpUrl}  (tracking links use PUBLIC_URL ${c.publicUrl})`);
    row('API docs', `${b.httpUrl}/docs`);
  }
  row('Database', describeDatabase(c));
  row('Redis', b.redis);
  row(
    'Mail',
    c.mail.smtpUrl
      ? `SMTP ${describeUrlHost(c.mail.smtpUrl)}`
      : `written to ${shortPath(c.mail.outboxDir)}/ (set SMTP_URL to send)`,
  );
  row('Bots', bots(c));
  if (b.worker) row('Worker', 'postback relay: outbox dispatcher, BullMQ worker, reconciler every 30 s');
  if (b.seeded) {
    const s = b.seeded;
    row(
      'Demo data',
      `${s.partners} partners, ${s.campaigns} campaigns, ${s.clicks.toLocaleString('en-US')} clicks, ${s.conversions.toLocaleString('en-US')} conversions (seeded in ${s.seconds.toFixed(1)} s)`,
    );
  }
  lines.push('');
  if (b.demoKey) {
    lines.push(
      `Demo admin API key (also in ${shortPath(path.join(c.dataDir, 'demo-api-key.txt'))}):`,
      `  ${b.demoKey}`,
      '',
    );
  } else if (b.httpUrl) {
    lines.push('API key: create one with  npx partnerdesk apikey create my-key', '');
  }
  if (b.httpUrl) {
    const from = isoDay(now - 29 * 86_400_000);
    const to = isoDay(now);
    lines.push('Try it:');
    lines.push(
      `  curl -H "Authorization: Bearer ${key}" "${base}/api/v1/report?group=geo&date_from=${from}&date_to=${to}"`,
    );
    if (b.example) {
      const e = b.example;
      lines.push(
        `  curl -i "${base}/t/${e.campaignId}?pid=${e.partnerId}&sub1=banner"   # a click: 302 with {clickid} filled`,
      );
      lines.push(
        `  curl "${base}/postback?clickid=CLICKID&type=${encodeURIComponent(e.type)}&sum=10.00&txid=demo-1"   # CLICKID from the Location above`,
      );
    }
    lines.push(`  curl -H "Authorization: Bearer ${key}" "${base}/api/v1/partners"`);
    lines.push('');
  }
  lines.push('Next steps:');
  lines.push('  npx partnerdesk doctor                  check database, Redis, SMTP and bot tokens');
  lines.push(
    `  npx partnerdesk chat --partner ${b.example?.partnerId ?? 1}        talk to the partner bot in this terminal (balance, report 7d, help)`,
  );
  lines.push('  npx partnerdesk partner create --name "Acme" --email ops@acme.example');
  lines.push(
    '  npx partnerdesk campaign create --name "My offer" --type cpa --landing-url "https://example.com/?c={clickid}" --payout lead=5.00',
  );
  lines.push('  npx partnerdesk --help                  every verb');
  lines.push('  Ctrl-C stops everything' + (b.redis.startsWith('started') ? ', including the Redis it started.' : '.'));
  lines.push('');
  return lines.join('\n');
}
