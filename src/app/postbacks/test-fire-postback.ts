import { insertAttempts } from '../../db/repositories/deliveries.js';
import { findConversionForPostback } from '../../db/repositories/delivery-log.js';
import { findPostback } from '../../db/repositories/postbacks.js';
import { AppError } from '../../domain/errors.js';
import { type PostbackValues, SAMPLE_CONVERSION } from '../../domain/postback-template.js';
import type { ResolveHost, SafeHttpClient } from '../../outbound/safe-http.js';
import type { Deps } from '../deps.js';
import { checkPostbackShape } from './check-postback.js';
import { type Actor, assertOwns, parseId } from './postback-input.js';
import { buildPostbackRequest, type PostbackShape, postbackValues } from './postback-request.js';

export interface TestFireInput {
  /** A saved postback ... */
  postbackId?: unknown;
  /** ... or an unsaved one (the bot's guided set-up tries it before saving). */
  url?: string;
  method?: 'GET' | 'POST';
  bodyFormat?: 'none' | 'form' | 'json';
  bodyTemplate?: string;
  /** Send this conversion's values instead of the sample (it must be the partner's own). */
  conversionId?: unknown;
}

/** Exactly what the bot's `postback test` shows. */
export interface TestFireResult {
  expandedUrl: string;
  method: 'GET' | 'POST';
  body: string | null;
  ok: boolean;
  status: number | null;
  durationMs: number;
  bodySnippet: string;
  errorClass: string | null;
  errorMessage: string | null;
}

export interface TestFireOptions {
  timeoutMs?: number;
  resolve?: ResolveHost;
  /** Fire an unsaved URL whose host the resolver could not check (the send checks it again at connect). */
  allowUncheckedHost?: boolean;
}

/**
 * Sends a postback once, now, through the same SSRF-safe client and checks as real deliveries. Each test is
 * logged as an attempt of kind 'test' (no delivery; no postback for an unsaved URL), so `postback log` and
 * the API's delivery log show it, marked as a test; nothing is retried and no delivery state changes.
 */
export async function testFirePostback(
  deps: Deps,
  actor: Actor,
  input: TestFireInput,
  opts: TestFireOptions = {},
): Promise<TestFireResult> {
  let shape: PostbackShape;
  let postbackId: number | null = null;
  let partnerId = actor.partnerId;
  if (input.postbackId !== undefined) {
    postbackId = parseId(input.postbackId, 'postback id');
    const p = await findPostback(deps.db, postbackId);
    assertOwns(actor, p, postbackId);
    partnerId = p.partnerId;
    shape = { url: p.url, method: p.method, bodyFormat: p.bodyFormat, bodyTemplate: p.bodyTemplate };
  } else if (typeof input.url === 'string') {
    const method = input.method ?? 'GET';
    shape = {
      url: input.url.trim(),
      method,
      bodyFormat: input.bodyFormat ?? 'none',
      bodyTemplate: input.bodyTemplate ?? '',
    };
    await checkPostbackShape(deps, shape, {
      resolve: opts.resolve,
      ...(opts.allowUncheckedHost ? { allowUncheckedHost: true } : {}),
    });
  } else {
    throw new AppError('invalid', 'missing_postback', 'give a postback id or a url to test', 'url');
  }

  let values: PostbackValues = SAMPLE_CONVERSION;
  if (input.conversionId !== undefined && input.conversionId !== null) {
    const cid = parseId(input.conversionId, 'conversion_id');
    const c = await findConversionForPostback(deps.db, cid);
    if (!c || (partnerId !== null && c.partnerId !== partnerId)) {
      throw new AppError('not_found', 'conversion_not_found', `no conversion ${cid} of this partner`, 'conversion_id');
    }
    values = postbackValues(c, `test-${cid}`);
  }

  const req = buildPostbackRequest(shape, values);
  const r = await send(deps, opts, req);
  // Every test fire is logged, an unsaved URL's too (no postback id): it shows in `postback log`, in
  // GET /api/v1/deliveries/tests, and tells the operator what the server was asked to fetch.
  await insertAttempts(deps.db, [
    {
      delivery_id: null,
      postback_id: postbackId,
      partner_id: partnerId,
      kind: 'test',
      at: deps.now(),
      url: req.url,
      method: req.method,
      status_code: r.status ?? null,
      duration_ms: r.durationMs,
      error_class: r.errorClass ?? null,
      error_message: r.errorMessage?.slice(0, 300) ?? null,
      response_snippet: r.bodySnippet.slice(0, 1024),
    },
  ]);
  return {
    expandedUrl: req.url,
    method: req.method,
    body: req.body ?? null,
    ok: r.ok,
    status: r.status ?? null,
    durationMs: r.durationMs,
    bodySnippet: r.bodySnippet,
    errorClass: r.errorClass ?? null,
    errorMessage: r.errorMessage ?? null,
  };
}

/** Through the app's client; a test that brings its own resolver or deadline gets a client for the call. */
async function send(deps: Deps, opts: TestFireOptions, req: Parameters<SafeHttpClient['send']>[0]) {
  if (deps.testFireHttp && !opts.resolve && !deps.resolveHost && opts.timeoutMs === undefined)
    return deps.testFireHttp.send(req);
  const { createSafeHttpClient } = await import('../../outbound/safe-http.js');
  const http = createSafeHttpClient({
    allowPrivateNetworks: deps.config.postbacks.allowPrivateNetworks,
    timeoutMs: opts.timeoutMs ?? 10_000,
    resolve: opts.resolve ?? deps.resolveHost,
  });
  return http.send(req).finally(() => http.close());
}
