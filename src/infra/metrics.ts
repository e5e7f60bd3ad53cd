import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * One registry per App (no global singleton), scraped at GET /metrics. Counters are bumped where the facts
 * happen; nothing here queries the database at scrape time, so a scrape stays cheap on large data.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'partnerdesk_process_' });
  return {
    registry,
    clicks: new Counter({ name: 'partnerdesk_clicks_total', help: 'Clicks recorded', registers: [registry] }),
    clicksRejected: new Counter({
      name: 'partnerdesk_clicks_rejected_total',
      help: 'Tracking requests refused (unknown or unapproved campaign/partner)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    deeplinksRefused: new Counter({
      name: 'partnerdesk_deeplinks_refused_total',
      help: 'Clicks whose deeplink= was not allowed and that went to the landing instead',
      labelNames: ['reason'], // not_url | scheme | no_domains | host
      registers: [registry],
    }),
    conversions: new Counter({
      name: 'partnerdesk_conversions_total',
      help: 'Conversions received, by outcome',
      labelNames: ['outcome'], // created | duplicate | rejected
      registers: [registry],
    }),
    conversionUpdates: new Counter({
      name: 'partnerdesk_conversion_updates_total',
      help: 'Conversion status/payout/revenue changes applied',
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'partnerdesk_rate_limited_total',
      help: 'Requests refused with 429 by a rate limit',
      labelNames: ['limit'], // api-ip | api-key | auth-fail | test-fire | webhook | tracking
      registers: [registry],
    }),
    webhookRejected: new Counter({
      name: 'partnerdesk_webhook_rejected_total',
      help: 'Webhook calls refused before any processing',
      labelNames: ['webhook', 'reason'], // telegram | slack; bad_secret | bad_signature
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'partnerdesk_write_batch_size',
      help: 'Rows per group-commit transaction',
      labelNames: ['writer'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
