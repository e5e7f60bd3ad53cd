import { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { BreakerLookup } from '../../app/managers/manager-failing-endpoints.js';

/** What the manager jobs need of Slack: post a message, maybe in a thread. */
export interface ManagerChannel {
  post(m: { channel: string; text: string; blocks: unknown[]; threadTs?: string | undefined }): Promise<{ ts: string }>;
  /** Rewrites a message we posted (an incident's first alert once it is closed). */
  update(m: { channel: string; ts: string; text: string; blocks: unknown[] }): Promise<void>;
}

/** Slack said "slow down" (HTTP 429): nothing was posted; try again after retryAfterMs. */
export class SlackRateLimitedError extends Error {
  override name = 'SlackRateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`Slack rate limit: retry after ${retryAfterMs} ms`);
  }
}

/** The channel cannot take our messages (bot not in it, channel gone or archived): retrying will not help. */
export class SlackChannelUnreachableError extends Error {
  override name = 'SlackChannelUnreachableError';
}

const UNREACHABLE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
]);

/** The part of @slack/web-api's WebClient the manager side calls. */
export type WebClientLike = Pick<webApi.WebClient, 'chat' | 'conversations'>;

/**
 * A WebClient that hands 429s back to us instead of sleeping inside the call: the job then pauses the
 * queue for Retry-After (no worker slot held, every process waits) rather than a client retrying blindly.
 */
export function createManagerWebClient(token: string, apiUrl: string | undefined): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
}

export function createManagerChannel(client: WebClientLike): ManagerChannel {
  return {
    async update(m) {
      try {
        await client.chat.update({
          channel: m.channel,
          ts: m.ts,
          text: m.text,
          blocks: m.blocks as webApi.KnownBlock[],
        });
      } catch (err) {
        throw classifySlackError(err);
      }
    },
    async post(m) {
      try {
        const res = await client.chat.postMessage({
          channel: m.channel,
          text: m.text,
          // Built by bots/slack/manager's Block Kit helpers; Slack validates them (invalid_blocks is an error).
          blocks: m.blocks as webApi.KnownBlock[],
          ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        });
        return { ts: String(res.ts ?? '') };
      } catch (err) {
        throw classifySlackError(err);
      }
    },
  };
}

/** Maps @slack/web-api's errors to ours: rate limited, unreachable channel, or anything else (retry later). */
export function classifySlackError(err: unknown): Error {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e?.code === 'slack_webapi_rate_limited_error')
    return new SlackRateLimitedError(Math.max(1, e.retryAfter ?? 1) * 1000);
  const code = e?.data?.error;
  if (code && UNREACHABLE.has(code)) return new SlackChannelUnreachableError(`Slack refused: ${code}`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Every member of a channel (conversations.members, all pages). */
export async function listChannelMembers(client: WebClientLike, channel: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...(res.members ?? []));
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return out;
}

/**
 * Reads the relay's circuit-breaker state of an endpoint. The key layout is circuit-breaker.ts's:
 * `<queue prefix>:cb:{<endpoint>}:s`, a hash with state=open and until=<ms> while paused.
 */
export function createBreakerLookup(redis: Redis | null, queuePrefix = 'bull'): BreakerLookup {
  return async (endpoint) => {
    if (!redis) return null;
    const [state, until] = await redis.hmget(`${queuePrefix}:cb:{${endpoint}}:s`, 'state', 'until');
    return state === 'open' ? { open: true, until: Number(until ?? 0) } : null;
  };
}
