import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { err, ok, open } from './describe.js';
import * as W from './wire-schemas.js';

/** The `schema` of the routes without an API key: ad traffic, advertiser S2S, operations, e-mail links, chat. */

export const openSchemas = {
  track: open('tracking', 'Tracking link: record a click and redirect', {
    description:
      'Answers 302 to the landing URL (or the deeplink) with {clickid} and the other click macros filled in. ' +
      'HEAD runs the same checks and redirect but stores no click.',
    params: z.object({ campaignId: z.string().meta({ description: "The campaign's id.", examples: ['3'] }) }),
    querystring: z.looseObject({
      pid: z.string().optional().meta({ description: "The partner's id." }),
      ref_id: z.string().optional().meta({ description: "The partner's own click id, returned in its postbacks." }),
      sub1: z.string().optional().meta({ description: 'sub1..sub5: free sub-ids, reported and passed on.' }),
      lp: z.string().optional().meta({ description: 'A landing id of the campaign (default: its landing URL).' }),
      deeplink: z.string().optional().meta({ description: "A URL on one of the campaign's deeplink domains." }),
    }),
    response: {
      302: z.null().meta({ description: 'Redirect to the landing; Location holds the URL.' }),
      400: err('Bad input.'),
      404: err('Unknown or unapproved campaign or partner; nothing was recorded.'),
      429: err('Too many clicks from this address (RATE_LIMIT_TRACKING_PER_ADDRESS).'),
      503: err('Overloaded; retry later (Retry-After).'),
    },
  }),
  postback: (method: 'GET' | 'POST'): FastifySchema =>
    open('tracking', 'Record a conversion (advertiser S2S)', {
      description:
        method === 'GET'
          ? "RedTrack's names in the query. No API key: the unguessable clickid authorises the postback."
          : 'Fields in the query or in a form or JSON body; body fields win over query parameters of the same name.',
      querystring: W.ConversionFields.partial(),
      ...(method === 'POST' && {
        body: W.ConversionFields.meta({ examples: [{ clickid: 'k3Jd9aQx2', sum: '49.90', type: 'deposit' }] }),
      }),
      response: {
        200: ok(W.ConversionResult),
        400: err('Malformed; the error names the field. Nothing was written.'),
        404: err('Unknown clickid; nothing was written.'),
        409: err('Conflicts with the recorded conversion (for example another currency).'),
        503: err('Overloaded; retry later (Retry-After).'),
      },
    }),
  health: open('operations', 'Health', {
    description: '200 when the database and Redis answer, 503 otherwise.',
    response: {
      200: ok(z.object({ status: z.literal('ok'), db: z.string(), redis: z.string() })),
      503: z
        .object({ status: z.literal('error'), db: z.string(), redis: z.string() })
        .meta({ description: 'The database or Redis does not answer; the failing part is named.' }),
    },
  }),
  metrics: open('operations', 'Prometheus metrics', { description: 'Prometheus text exposition format.' }),
  docsJson: open('operations', 'This document as OpenAPI 3.1 JSON'),
  unsubscribe: (method: 'GET' | 'POST') =>
    open('digests', method === 'GET' ? 'Unsubscribe page of a digest e-mail' : 'Unsubscribe from digests', {
      description:
        method === 'GET'
          ? 'An HTML page with a button; a GET changes nothing (mail scanners follow links).'
          : 'One-click unsubscribe (RFC 8058) and the page button.',
      params: W.TokenParams,
      response: { 404: z.string().meta({ description: 'Unknown or forged token; nothing changes.' }) },
    }),
  confirm: (method: 'GET' | 'POST') =>
    open('digests', method === 'GET' ? 'Confirm-address page' : 'Confirm a new digest address', {
      params: W.TokenParams,
      response: { 404: z.string().meta({ description: 'Unknown, expired or forged token (an HTML page).' }) },
    }),
  slackEvents: open('chat', 'Slack Events API and interactivity endpoint', {
    description: 'Signed by Slack (X-Slack-Signature, timestamp within 5 minutes); 404 while Slack is not configured.',
    response: {
      401: err('Bad or stale signature; nothing was processed.'),
      404: err('Slack is not configured.'),
      429: err('Too many requests or forged signatures from this address (Retry-After).'),
      503: err('The Slack bot is not running yet; Slack retries.'),
    },
  }),
  slackInstall: open('chat', 'Slack app install (multi-workspace OAuth)'),
  slackRedirect: open('chat', 'Slack OAuth redirect'),
  telegram: open('chat', 'Telegram bot webhook', {
    description: 'Authorised by the X-Telegram-Bot-Api-Secret-Token header.',
    response: {
      200: ok(z.object({ ok: z.literal(true) })),
      400: err('Not a Telegram Update.'),
      401: err('Wrong or missing secret token.'),
      404: err('The webhook is off (TELEGRAM_WEBHOOK_SECRET unset).'),
      429: err('Too many requests or wrong secrets from this address (Retry-After).'),
      503: err('The bot is not running yet; Telegram retries.'),
    },
  }),
};
