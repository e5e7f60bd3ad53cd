import { createHmac, randomBytes } from 'node:crypto';
import { FAKE_SLACK_TEAM } from './fake-slack.js';

/**
 * Requests signed exactly as Slack signs them: `v0=` + hex HMAC-SHA256 of `v0:TIMESTAMP:BODY` with the signing
 * secret, in `X-Slack-Signature`, and the unix timestamp in `X-Slack-Request-Timestamp`. Events are JSON; slash
 * commands and interactivity are form bodies (interactivity as one `payload=` field holding JSON).
 * The result works with `fetch(url, { method: 'POST', ...req })` and Fastify's `inject({ payload, headers })`.
 */

export interface SignedRequest {
  body: string;
  /** Same as body, for Fastify inject. */
  payload: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  /** Unix seconds; default now. Use an old value for staleness tests. */
  timestamp?: number;
  /** Sign with this secret instead (a wrong one for refusal tests). */
  secretOverride?: string;
  /** Adds `X-Slack-Retry-Num` / `X-Slack-Retry-Reason` as Slack does on a retried delivery. */
  retryNum?: number;
  retryReason?: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signRequest(secret: string, body: string, contentType: string, opts: SignOptions = {}): SignedRequest {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(opts.secretOverride ?? secret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  return { body, payload: body, headers };
}

const randomId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

export interface EventEnvelopeOptions extends SignOptions {
  teamId?: string;
  eventId?: string;
  apiAppId?: string;
}

/** An Events API `event_callback` envelope around `event` (a `message`, `app_home_opened`, ...). */
export function signedEvent(
  secret: string,
  event: Record<string, unknown>,
  opts: EventEnvelopeOptions = {},
): SignedRequest & { eventId: string } {
  const teamId = opts.teamId ?? FAKE_SLACK_TEAM.id;
  const eventId = opts.eventId ?? randomId('Ev');
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: opts.apiAppId ?? 'A0FAKEAPP1',
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'U0FAKEBOT1', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
  return { ...signRequest(secret, body, 'application/json', opts), eventId };
}

/** A DM (`message.im`) from a user to the app. */
export function signedDirectMessage(
  secret: string,
  args: { userId: string; text: string; channel?: string; teamId?: string },
  opts: EventEnvelopeOptions = {},
): SignedRequest & { eventId: string } {
  return signedEvent(
    secret,
    {
      type: 'message',
      channel_type: 'im',
      channel: args.channel ?? `D${args.userId.slice(1)}`,
      user: args.userId,
      text: args.text,
      ts: `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}`,
      team: args.teamId ?? opts.teamId ?? FAKE_SLACK_TEAM.id,
    },
    { ...opts, teamId: args.teamId ?? opts.teamId },
  );
}

export interface SlashCommandArgs {
  userId: string;
  text: string;
  command?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  responseUrl?: string;
  triggerId?: string;
}

/** A slash command (`/pd balance`) as Slack posts it: a form body. */
export function signedSlashCommand(secret: string, args: SlashCommandArgs, opts: SignOptions = {}): SignedRequest {
  const form = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: args.teamId ?? FAKE_SLACK_TEAM.id,
    team_domain: FAKE_SLACK_TEAM.domain,
    channel_id: args.channelId ?? `D${args.userId.slice(1)}`,
    channel_name: args.channelName ?? (args.channelId?.startsWith('C') ? 'general' : 'directmessage'),
    user_id: args.userId,
    user_name: args.userId.toLowerCase(),
    command: args.command ?? '/pd',
    text: args.text,
    api_app_id: 'A0FAKEAPP1',
    is_enterprise_install: 'false',
    response_url: args.responseUrl ?? 'http://127.0.0.1:9/response/unset',
    trigger_id: args.triggerId ?? `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.fake`,
  });
  return signRequest(secret, form.toString(), 'application/x-www-form-urlencoded', opts);
}

/** An interactivity request (block_actions, view_submission, ...): form body `payload=<json>`. */
export function signedInteraction(
  secret: string,
  payload: Record<string, unknown>,
  opts: SignOptions = {},
): SignedRequest {
  const form = new URLSearchParams({ payload: JSON.stringify(payload) });
  return signRequest(secret, form.toString(), 'application/x-www-form-urlencoded', opts);
}

/** A `block_actions` payload for one button click. */
export function blockActionPayload(args: {
  userId: string;
  actionId: string;
  value?: string;
  teamId?: string;
  channelId?: string;
  responseUrl?: string;
  triggerId?: string;
  view?: Record<string, unknown>;
  /** The button sat under an ephemeral message (a /pd answer). */
  ephemeral?: boolean;
}): Record<string, unknown> {
  const teamId = args.teamId ?? FAKE_SLACK_TEAM.id;
  return {
    type: 'block_actions',
    user: { id: args.userId, username: args.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0FAKEAPP1',
    token: 'deprecated-verification-token',
    container: args.view
      ? { type: 'view', view_id: args.view['id'] }
      : { type: 'message', channel_id: args.channelId, is_ephemeral: Boolean(args.ephemeral) },
    trigger_id: args.triggerId ?? `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.fake`,
    team: { id: teamId, domain: FAKE_SLACK_TEAM.domain },
    channel: args.channelId ? { id: args.channelId, name: 'directmessage' } : undefined,
    view: args.view,
    response_url: args.view ? undefined : args.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: args.actionId,
        block_id: 'b1',
        value: args.value,
        text: { type: 'plain_text', text: 'button' },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A `view_submission` payload with state values keyed block -> action -> { type, value }. */
export function viewSubmissionPayload(args: {
  userId: string;
  callbackId: string;
  values: Record<string, Record<string, { type: string; value?: string; selected_option?: { value: string } }>>;
  privateMetadata?: string;
  viewId?: string;
  teamId?: string;
}): Record<string, unknown> {
  const teamId = args.teamId ?? FAKE_SLACK_TEAM.id;
  return {
    type: 'view_submission',
    team: { id: teamId, domain: FAKE_SLACK_TEAM.domain },
    user: { id: args.userId, username: args.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0FAKEAPP1',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.fake`,
    view: {
      id: args.viewId ?? randomId('V'),
      team_id: teamId,
      type: 'modal',
      callback_id: args.callbackId,
      private_metadata: args.privateMetadata ?? '',
      state: { values: args.values },
      hash: `${Date.now()}.hash`,
      title: { type: 'plain_text', text: 'partnerdesk' },
      blocks: [],
    },
    response_urls: [],
  };
}
