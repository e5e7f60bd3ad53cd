import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import { errorBody } from '../errors.js';
import type { RouteOptions } from '../server.js';
import { createWebhookGuard } from '../webhook-guard.js';

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time independent of `given`.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

/**
 * POST /telegram/webhook: Telegram delivers updates here when TELEGRAM_WEBHOOK_SECRET is set. Only a request
 * carrying that secret in X-Telegram-Bot-Api-Secret-Token is handled. The answer is 200 at once: replies go
 * out through the Bot API, and a slow answer would make Telegram resend the update.
 */
export async function telegramWebhookRoutes(server: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { app } = opts;
  const log = app.logger.child({ component: 'telegram-webhook' });
  const guard = createWebhookGuard(app, server.rateLimits, 'telegram');
  // The secret is checked at onRequest, before the body is read or parsed: a caller without it gets 401
  // whatever it sends (broken JSON, a huge body), and its rejection is counted, not logged line by line.
  const checkSecret = async (req: FastifyRequest, reply: FastifyReply) => {
    const limited = await guard.limit(req, reply);
    if (limited) return limited;
    const secret = app.config.telegram?.webhookSecret;
    if (!secret) {
      return reply
        .status(404)
        .send(errorBody('telegram_webhook_off', 'the Telegram webhook is off; set TELEGRAM_WEBHOOK_SECRET to use it'));
    }
    if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], secret)) {
      await guard.rejected(req, 'bad_secret');
      return reply
        .status(401)
        .send(
          errorBody(
            'bad_webhook_secret',
            'X-Telegram-Bot-Api-Secret-Token must equal TELEGRAM_WEBHOOK_SECRET (setWebhook secret_token)',
          ),
        );
    }
    return undefined;
  };
  const route = { onRequest: checkSecret, ...documented(openSchemas.telegram) };
  server.post('/telegram/webhook', route, async (req, reply) => {
    // The bot starts after the HTTP server is built, so the route finds it at request time in the slot the
    // composition root gave both of them (app.telegramWebhook).
    const handler = app.telegramWebhook.current();
    if (!handler) {
      // Telegram retries a non-2xx answer, so an update that arrives while the bot is starting is not lost.
      return reply
        .status(503)
        .send(errorBody('telegram_bot_not_running', 'the Telegram bot is not running in this process yet; retry'));
    }
    if (typeof req.body !== 'object' || req.body === null || !Object.hasOwn(req.body, 'update_id')) {
      return reply.status(400).send(errorBody('bad_update', 'body must be a Telegram Update with update_id', 'body'));
    }
    handler(req.body).catch((err) => log.error({ err, event: 'telegram.update_failed' }, 'telegram update failed'));
    return reply.status(200).send({ ok: true });
  });
}
