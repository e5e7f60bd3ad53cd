import type { FastifyInstance, FastifyReply } from 'fastify';
import { confirmDigestAddress } from '../../app/digests/confirm-digest-address.js';
import { describeUnsubscribe, unsubscribeByToken } from '../../app/digests/unsubscribe-digest.js';
import { AppError } from '../../domain/errors.js';
import { escapeHtml } from '../../mail/escape-html.js';
import { documented } from '../api-docs/documented.js';
import { openSchemas } from '../api-docs/open-route-schemas.js';
import type { RouteOptions } from '../server.js';

/**
 * The links in digest mails, used without logging in: the token (an HMAC) is the credential.
 * - GET /unsubscribe/:token: a page naming the digest with one button (GET never changes anything: mail
 *   scanners open links).
 * - POST /unsubscribe/:token: RFC 8058 one-click (body List-Unsubscribe=One-Click) or the page's button;
 *   unsubscribes at once, idempotent, 200. Unknown or forged token: 404, nothing changes.
 * - GET /digest/confirm/:token: a page with one button; POST confirms the new address.
 */
export async function digestLinkRoutes(server: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { app } = opts;
  type P = { Params: { token: string } };

  server.get<P>('/unsubscribe/:token', documented(openSchemas.unsubscribe('GET')), async (req, reply) => {
    const t = await pageOr404(reply, () => describeUnsubscribe(app, req.params.token));
    if (!t) return reply;
    const off = t.cadence === 'off';
    return page(
      reply,
      200,
      off ? 'Digests are off' : 'Unsubscribe from digests',
      off
        ? `<p>No more partnerdesk digests are sent to <strong>${escapeHtml(t.email)}</strong>.</p>`
        : `<p>Stop the ${escapeHtml(t.cadence)} partnerdesk performance digest sent to <strong>${escapeHtml(t.email)}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
<p class="muted">You can subscribe again any time with "digest weekly" in the bot.</p>`,
    );
  });

  server.post<P>('/unsubscribe/:token', documented(openSchemas.unsubscribe('POST')), async (req, reply) => {
    const t = await unsubscribeByToken(app, req.params.token);
    if (String(req.headers['accept'] ?? '').includes('text/html')) {
      return page(
        reply,
        200,
        'Unsubscribed',
        `<p>Done: no more digests go to <strong>${escapeHtml(t.email)}</strong>.</p><p class="muted">Subscribe again any time with "digest weekly" in the bot.</p>`,
      );
    }
    return reply.status(200).header('cache-control', 'no-store').send({ status: 'ok', unsubscribed: true });
  });

  server.get<P>('/digest/confirm/:token', documented(openSchemas.confirm('GET')), async (_req, reply) => {
    return page(
      reply,
      200,
      'Confirm your digest address',
      `<p>Send the partnerdesk performance digests to this address?</p><form method="post"><button type="submit">Confirm address</button></form>`,
    );
  });

  server.post<P>('/digest/confirm/:token', documented(openSchemas.confirm('POST')), async (req, reply) => {
    const r = await pageOr404(reply, () => confirmDigestAddress(app, req.params.token));
    if (!r) return reply;
    return page(
      reply,
      200,
      'Address confirmed',
      `<p>${r.already ? 'Already confirmed' : 'Confirmed'}: digests now go to <strong>${escapeHtml(r.email)}</strong>.</p>`,
    );
  });
}

async function pageOr404<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found') {
      await page(reply, 404, 'Link not valid', `<p>${escapeHtml(err.message)}.</p>`);
      return null;
    }
    throw err;
  }
}

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>${escapeHtml(title)} · partnerdesk</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#1d4ed8;color:#fff;cursor:pointer}.muted{color:#6b7280}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}
