import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../main/create-app.js';
import { type RateLimits, refuseOverLimit } from './rate-limits.js';

/** How often a webhook's rejections are logged at most: a flood of forged calls must not flood the log. */
const LOG_EVERY_MS = 60_000;

export interface WebhookGuard {
  /**
   * onRequest hook: refuses an address over the webhook limit or locked out for failed authentications.
   * Runs before the body is read.
   */
  limit(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /**
   * Records a refused call (wrong secret or signature): counts it against the address's failed
   * authentications and in partnerdesk_webhook_rejected_total, and logs at most once a minute with the
   * number of rejections since the last line.
   */
  rejected(req: FastifyRequest, reason: string): Promise<void>;
}

/**
 * One guard per webhook route: `/telegram/webhook` here; `/slack/events` uses the same (its signature needs
 * the raw body, so it calls `rejected` after verifying, while `limit` still runs at onRequest).
 */
export function createWebhookGuard(app: App, limits: RateLimits, webhook: 'telegram' | 'slack'): WebhookGuard {
  const log = app.logger.child({ component: `${webhook}-webhook` });
  let lastLogAt = 0;
  let unlogged = 0;
  return {
    async limit(req, reply) {
      if (await refuseOverLimit(limits.webhookPerAddress, req, reply)) return reply;
      if (await refuseOverLimit(limits.authFailures, req, reply, { peek: true })) return reply;
      return undefined;
    },
    async rejected(req, reason) {
      app.metrics.webhookRejected.inc({ webhook, reason });
      unlogged += 1;
      const now = Date.now();
      if (now - lastLogAt >= LOG_EVERY_MS) {
        log.warn(
          { event: `${webhook}.webhook_rejected`, reason, ip: req.ip, rejections: unlogged },
          `${webhook} webhook calls refused (${reason}); logged at most once a minute`,
        );
        lastLogAt = now;
        unlogged = 0;
      }
      await limits.authFailures?.check(req);
    },
  };
}
