import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

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
    POSTBACK_ALLOW_PRIVATE_NETWORKS: bool.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REFERRAL_RATE_PERCENT: z.coerce
      .number({ message: 'must be a percentage like 5 or 2.5' })
      .min(0, { message: 'must be between 0 and 100' })
      .max(100, { message: 'must be between 0 and 100' })
      .default(5),
    SEED_DEMO: bool.default(true),
  })
  .superRefine((c, ctx) => {
    if (c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
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
  mail: { smtpUrl: string | undefined; from: string; outboxDir: string };
  postbacks: { allowPrivateNetworks: boolean };
  logLevel: Env['LOG_LEVEL'];
  /** Share of a referred partner's payout credited to the referrer, in basis points (500 = 5 %). */
  referralRateBp: number;
  seedDemo: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, outboxDir: path.join(dataDir, 'outbox') },
    postbacks: { allowPrivateNetworks: e.POSTBACK_ALLOW_PRIVATE_NETWORKS },
    logLevel: e.LOG_LEVEL,
    referralRateBp: Math.round(e.REFERRAL_RATE_PERCENT * 100),
    seedDemo: e.SEED_DEMO,
  };
}

/** Reads `.env` (if present) under the real environment, which wins, and builds the Config. */
export function loadConfig(cwd: string = process.cwd()): Config {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return buildConfig({ ...fromFile, ...process.env });
}

/** For the test helpers and the CLI: the few raw variables that are not application settings. */
export function readRawEnv(name: string): string | undefined {
  return process.env[name];
}
