import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../main/create-app.js';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import { errorBody } from '../errors.js';
import { verifySlackSignature } from '../slack-signature.js';
import { createWebhookGuard } from '../webhook-guard.js';

/**
 * POST /slack/events: Slack's events, slash commands and interactivity at one URL (Bolt's default). This is
 * the transport only, inside an encapsulated plugin so its raw-body parsers do not touch other routes: the
 * signature and timestamp are checked on the exact bytes Slack signed (bad or stale: 401, nothing processed),
 * `ssl_check` and `url_verification` are answered here, and everything else goes to the running Slack bot,
 * which answers as soon as its listener acknowledges (the work continues after the response).
 */

/** A verified, parsed Slack request. */
export interface SlackHttpRequest {
  body: Record<string, unknown>;
  /** X-Slack-Retry-Num: Slack's redelivery count of an event it thinks we missed. */
  retryNum: number | undefined;
  retryReason: string | undefined;
}

export interface SlackHttpResponse {
  status: number;
  /** A string is sent as text, an object as JSON, undefined as an empty body. */
  body?: string | Record<string, unknown>;
}

export type SlackRequestHandler = (req: SlackHttpRequest) => Promise<SlackHttpResponse>;

/** Extra routes a running bot serves beside the events URL (the OAuth install pages). */
export interface SlackExtraRoutes {
  install(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  oauthRedirect(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export interface SlackBinding {
  handle: SlackRequestHandler;
  oauth?: SlackExtraRoutes;
}

export interface SlackEventsPluginOptions {
  app: App;
}

function parseBody(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/json')) {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  }
  const form = new URLSearchParams(text);
  const payload = form.get('payload');
  // Interactivity posts one form field holding JSON; slash commands and ssl_check are plain form fields.
  if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
  return Object.fromEntries(form);
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export async function slackEventsRoutes(server: FastifyInstance, opts: SlackEventsPluginOptions): Promise<void> {
  const { app } = opts;
  // The bot starts after the HTTP server is built (tests start them separately), so the route finds it at
  // request time in the slot the composition root gave both of them (app.slackEvents), as for Telegram.
  const resolve = () => app.slackEvents.current() ?? undefined;
  const guard = createWebhookGuard(app, server.rateLimits, 'slack');
  const log = app.logger.child({ component: 'slack-events' });
  // The signature covers the bytes as sent: keep them, and parse only after the check.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
    done(null, body),
  );

  // Limits run before the body is read; a forged signature counts against the address's failed authentications.
  const limit = (req: FastifyRequest, reply: FastifyReply) => guard.limit(req, reply);
  server.post('/slack/events', { onRequest: limit, ...documented(openSchemas.slackEvents) }, async (req, reply) => {
    const secret = app.config.slack?.signingSecret;
    if (!secret) {
      return reply
        .status(404)
        .send(errorBody('slack_off', 'Slack HTTP events are off; set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET'));
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySlackSignature(
      secret,
      { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') },
      raw,
      Math.floor(app.now() / 1000),
    );
    if (!verdict.ok) {
      // Counted, and logged at most once a minute by the guard: a flood of forged calls must not flood the log.
      await guard.rejected(req, `signature_${verdict.reason}`);
      log.debug(
        { event: 'slack.request_rejected', reason: verdict.reason, ip: req.ip },
        'unsigned or stale Slack request',
      );
      const message =
        verdict.reason === 'stale'
          ? 'X-Slack-Request-Timestamp is more than 5 minutes away from our clock; the request is refused as a replay'
          : 'X-Slack-Signature does not match SLACK_SIGNING_SECRET (v0 HMAC-SHA256 of v0:timestamp:body)';
      return reply.status(401).send(errorBody(`slack_signature_${verdict.reason}`, message));
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, header(req, 'content-type') ?? '');
    } catch {
      return reply.status(400).send(errorBody('bad_slack_body', 'the body is not a Slack event, command or payload'));
    }
    if (body['ssl_check']) return reply.status(200).send();
    if (body['type'] === 'url_verification') return reply.status(200).send({ challenge: body['challenge'] });
    const binding = resolve();
    if (!binding) {
      // A non-2xx makes Slack retry the event, so one that arrives while the bot starts is not lost.
      return reply
        .status(503)
        .send(errorBody('slack_bot_not_running', 'the Slack bot is not running in this process yet; retry'));
    }
    const retry = header(req, 'x-slack-retry-num');
    const res = await binding.handle({
      body,
      retryNum: retry !== undefined && /^\d+$/.test(retry) ? Number(retry) : undefined,
      retryReason: header(req, 'x-slack-retry-reason'),
    });
    if (res.body === undefined) return reply.status(res.status).send();
    if (typeof res.body === 'string') return reply.status(res.status).type('text/plain; charset=utf-8').send(res.body);
    return reply.status(res.status).send(res.body);
  });

  server.get('/slack/install', documented(openSchemas.slackInstall), async (req, reply) => {
    const oauth = resolve()?.oauth;
    if (!oauth) {
      return reply
        .status(404)
        .send(errorBody('slack_install_off', 'set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET'));
    }
    return oauth.install(req, reply);
  });
  server.get('/slack/oauth_redirect', documented(openSchemas.slackRedirect), async (req, reply) => {
    const oauth = resolve()?.oauth;
    if (!oauth) {
      return reply
        .status(404)
        .send(errorBody('slack_install_off', 'set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET'));
    }
    return oauth.oauthRedirect(req, reply);
  });
}
