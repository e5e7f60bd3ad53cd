import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './raw-env.js';

/**
 * Every setting partnerdesk reads, parsed once at boot. Nothing outside src/config touches process.env:
 * the composition root passes this object down, and tests build their own.
 */
const bool = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
  return z.NEVER;
});

const isTimeZone = (v: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return v !== '';
  } catch {
    return false;
  }
};

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

export const ConfigSchema = z
  .object({
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: optionalString.refine((v) => !v || /^(postgres|postgresql):\/\//.test(v), {
      message: 'must start with postgres:// (leave it unset for the embedded SQLite database)',
    }),
    REDIS_URL: optionalString.refine((v) => !v || /^rediss?:\/\//.test(v), {
      message: 'must start with redis:// or rediss:// (leave it unset to let partnerdesk start its own Redis)',
    }),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce
      .number({ message: 'must be a port number like 3000' })
      .int({ message: 'must be a port number like 3000' })
      .min(0, { message: 'must be between 0 and 65535' })
      .max(65535, { message: 'must be between 0 and 65535' })
      .default(3000),
    PUBLIC_URL: z
      .url({ message: 'must be a full URL like https://track.example.com' })
      .default('http://localhost:3000'),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_API_ROOT: optionalString,
    TELEGRAM_WEBHOOK_SECRET: optionalString,
    SLACK_BOT_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_API_URL: optionalString,
    SLACK_MANAGER_CHANNEL: optionalString,
    SLACK_MANAGER_USERS: optionalString,
    SLACK_MANAGER_TIMEZONE: z
      .string()
      .default('UTC')
      .refine((v) => isTimeZone(v.trim()), { message: 'must be an IANA time zone like Europe/Berlin or UTC' })
      .transform((v) => v.trim()),
    SLACK_MANAGER_SUMMARY_HOUR: z.coerce
      .number({ message: 'must be an hour from 0 to 23' })
      .int({ message: 'must be an hour from 0 to 23' })
      .min(0, { message: 'must be an hour from 0 to 23' })
      .max(23, { message: 'must be an hour from 0 to 23' })
      .default(9),
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SMTP_URL: optionalString,
    MAIL_FROM: z.string().default('partnerdesk <partners@localhost>'),
    // --- e-mail digests (src/mail, src/jobs/digests) ---
    MAIL_REPLY_TO: optionalString,
    DKIM_DOMAIN: optionalString,
    DKIM_SELECTOR: optionalString,
    DKIM_PRIVATE_KEY: optionalString,
    DIGEST_TOKEN_SECRET: optionalString.refine((v) => !v || v.length >= 16, {
      message: 'must be at least 16 characters (e.g. openssl rand -hex 32), or unset to let partnerdesk keep one',
    }),
    DIGEST_RATE_PER_SECOND: z.coerce
      .number({ message: 'must be a number of digests per second like 50' })
      .positive({ message: 'must be more than 0' })
      .default(200),
    DIGEST_TELEGRAM_URL: optionalString,
    DIGEST_SLACK_URL: optionalString,
    CHART_THREADS: z.coerce
      .number({ message: 'must be a whole number of chart threads like 2' })
      .int({ message: 'must be a whole number of chart threads like 2' })
      .min(1, { message: 'must be at least 1' })
      .max(16, { message: 'must be at most 16' })
      .optional(),
    // --- end e-mail digests ---
    POSTBACK_ALLOW_PRIVATE_NETWORKS: bool.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REFERRAL_RATE_PERCENT: z.coerce
      .number({ message: 'must be a percentage like 5 or 2.5' })
      .min(0, { message: 'must be between 0 and 100' })
      .max(100, { message: 'must be between 0 and 100' })
      .default(5),
    SEED_DEMO: bool.default(true),
    // Client address and rate limits (README "Rate limits"); a limit of 0 turns that limit off.
    TRUST_PROXY: optionalString.transform((v, ctx) => {
      const list = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const entry of list) {
        if (!isAddressOrCidr(entry)) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not an address or CIDR like 10.0.0.0/8 or ::1` });
        }
      }
      return list;
    }),
    RATE_LIMIT_API_PER_KEY: requestLimit(600),
    RATE_LIMIT_API_PER_ADDRESS: requestLimit(1200),
    RATE_LIMIT_AUTH_FAILURES: requestLimit(30),
    RATE_LIMIT_TEST_FIRES: requestLimit(10),
    RATE_LIMIT_WEBHOOK_PER_ADDRESS: requestLimit(1200),
    RATE_LIMIT_TRACKING_PER_ADDRESS: requestLimit(0),
    // The relay's crash window (README "Deployment"): a killed worker's deliveries are sent again after at
    // most RELAY_LOCK_SECONDS + RELAY_STALLED_CHECK_SECONDS.
    RELAY_LOCK_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds like 5' })
      .min(1, { message: 'must be at least 1 (a shorter lock is renewed too often to hold)' })
      .max(600, { message: 'must be at most 600' })
      .default(5),
    RELAY_STALLED_CHECK_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds like 3' })
      .min(1, { message: 'must be at least 1' })
      .max(600, { message: 'must be at most 600' })
      .default(3),
  })
  .superRefine((c, ctx) => {
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    const dkim = [c.DKIM_DOMAIN, c.DKIM_SELECTOR, c.DKIM_PRIVATE_KEY].filter(Boolean).length;
    if (dkim > 0 && dkim < 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['DKIM_PRIVATE_KEY'],
        message: 'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none',
      });
    }
    // Multi-workspace install: all three OAuth values or none; installs arrive over HTTP, so events do too.
    const oauth = {
      SLACK_CLIENT_ID: c.SLACK_CLIENT_ID,
      SLACK_CLIENT_SECRET: c.SLACK_CLIENT_SECRET,
      SLACK_STATE_SECRET: c.SLACK_STATE_SECRET,
    };
    if (Object.values(oauth).some(Boolean)) {
      for (const [name, value] of Object.entries(oauth)) {
        if (!value) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message:
              'is required for the multi-workspace install (set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together, or none of them)',
          });
        }
      }
      if (!c.SLACK_SIGNING_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_SIGNING_SECRET'],
          message: "is required with SLACK_CLIENT_ID (the app's Signing Secret)",
        });
      }
    }
  });

type Env = z.infer<typeof ConfigSchema>;

/** A number of requests (0: no limit), as the RATE_LIMIT_* variables take them. */
function requestLimit(fallback: number) {
  return z.coerce
    .number({ message: 'must be a whole number of requests like 600 (0 turns the limit off)' })
    .int({ message: 'must be a whole number of requests like 600 (0 turns the limit off)' })
    .min(0, { message: 'must be 0 (off) or more' })
    .default(fallback);
}

function isAddressOrCidr(entry: string): boolean {
  const [addr = '', prefix, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export interface Config {
  dataDir: string;
  database: { client: 'sqlite'; filename: string } | { client: 'pg'; url: string };
  redisUrl: string | undefined;
  http: { host: string; port: number };
  publicUrl: string;
  telegram: { token: string; apiRoot: string | undefined; webhookSecret: string | undefined } | undefined;
  slack:
    | {
        /** Undefined only in multi-workspace mode without a workspace of the operator's own. */
        botToken: string | undefined;
        signingSecret: string | undefined;
        appToken: string | undefined;
        apiUrl: string | undefined;
        managerChannel: string | undefined;
        managerUsers: string[];
        /** When the managers' daily summary is posted: this local hour in this zone. */
        managerTimezone: string;
        managerSummaryHour: number;
        /** Multi-workspace OAuth install; undefined: single workspace (SLACK_BOT_TOKEN). */
        oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
      }
    | undefined;
  mail: {
    smtpUrl: string | undefined;
    from: string;
    outboxDir: string;
    replyTo: string | undefined;
    /** privateKey: PEM text, or a path to a PEM file (read when the transport starts). */
    dkim: { domain: string; selector: string; privateKey: string } | undefined;
  };
  digests: {
    /** HMAC key of unsubscribe and confirmation links; undefined: one generated and kept in the database. */
    tokenSecret: string | undefined;
    /** BullMQ limiter: digests sent per second across all workers. */
    ratePerSecond: number;
    /** Links to the chat bots shown in every digest (e.g. https://t.me/yourbot); unset: not shown. */
    telegramUrl: string | undefined;
    slackUrl: string | undefined;
  };
  /** Chart worker threads per process; undefined: chosen by what the process runs (main/chart-threads.ts). */
  chartThreads: number | undefined;
  postbacks: { allowPrivateNetworks: boolean };
  logLevel: Env['LOG_LEVEL'];
  /** Share of a referred partner's payout credited to the referrer, in basis points (500 = 5 %). */
  referralRateBp: number;
  seedDemo: boolean;
  /** Addresses/CIDRs of proxies whose X-Forwarded-For and country headers count; empty: none. */
  trustProxy: string[];
  /** Requests allowed per window (0: unlimited): per minute, except authFailures (per 15 minutes). */
  rateLimits: {
    apiPerKey: number;
    apiPerAddress: number;
    authFailures: number;
    testFires: number;
    webhookPerAddress: number;
    trackingPerAddress: number;
  };
  /** BullMQ job lock and stalled-check period of the relay worker: together, its crash window. */
  relay: { lockMs: number; stalledCheckMs: number };
}

export { ConfigError, readRawEnv } from './raw-env.js';

/** Builds a Config from an env-like record; throws ConfigError with one line per bad variable. */
export function buildConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    database: e.DATABASE_URL
      ? { client: 'pg', url: e.DATABASE_URL }
      : { client: 'sqlite', filename: path.join(dataDir, 'partnerdesk.sqlite') },
    redisUrl: e.REDIS_URL,
    http: { host: e.HOST, port: e.PORT },
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET }
      : undefined,
    slack:
      e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            appToken: e.SLACK_APP_TOKEN,
            apiUrl: e.SLACK_API_URL,
            managerChannel: e.SLACK_MANAGER_CHANNEL,
            managerUsers: (e.SLACK_MANAGER_USERS ?? '')
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            managerTimezone: e.SLACK_MANAGER_TIMEZONE,
            managerSummaryHour: e.SLACK_MANAGER_SUMMARY_HOUR,
            oauth:
              e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
                ? {
                    clientId: e.SLACK_CLIENT_ID,
                    clientSecret: e.SLACK_CLIENT_SECRET,
                    stateSecret: e.SLACK_STATE_SECRET,
                  }
                : undefined,
          }
        : undefined,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      outboxDir: path.join(dataDir, 'outbox'),
      replyTo: e.MAIL_REPLY_TO,
      dkim:
        e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
          ? { domain: e.DKIM_DOMAIN, selector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY }
          : undefined,
    },
    digests: {
      tokenSecret: e.DIGEST_TOKEN_SECRET,
      ratePerSecond: e.DIGEST_RATE_PER_SECOND,
      telegramUrl: e.DIGEST_TELEGRAM_URL,
      slackUrl: e.DIGEST_SLACK_URL,
    },
    chartThreads: e.CHART_THREADS,
    postbacks: { allowPrivateNetworks: e.POSTBACK_ALLOW_PRIVATE_NETWORKS },
    logLevel: e.LOG_LEVEL,
    referralRateBp: Math.round(e.REFERRAL_RATE_PERCENT * 100),
    seedDemo: e.SEED_DEMO,
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      apiPerKey: e.RATE_LIMIT_API_PER_KEY,
      apiPerAddress: e.RATE_LIMIT_API_PER_ADDRESS,
      authFailures: e.RATE_LIMIT_AUTH_FAILURES,
      testFires: e.RATE_LIMIT_TEST_FIRES,
      webhookPerAddress: e.RATE_LIMIT_WEBHOOK_PER_ADDRESS,
      trackingPerAddress: e.RATE_LIMIT_TRACKING_PER_ADDRESS,
    },
    relay: { lockMs: e.RELAY_LOCK_SECONDS * 1000, stalledCheckMs: e.RELAY_STALLED_CHECK_SECONDS * 1000 },
  };
}

/** Reads `.env` (if present) under the real environment, which wins, and builds the Config. */
export function loadConfig(cwd: string = process.cwd()): Config {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return buildConfig({ ...fromFile, ...process.env });
}
