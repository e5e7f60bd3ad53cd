import { AppError } from '../../domain/errors.js';
import { checkBodyTemplate, checkPostbackTemplate } from '../../domain/postback-template.js';
import type { ResolveHost } from '../../outbound/safe-http.js';
import type { Deps } from '../deps.js';

export interface PostbackShapeInput {
  url: string;
  method: 'GET' | 'POST';
  bodyFormat: 'none' | 'form' | 'json';
  bodyTemplate: string;
}

export interface PostbackCheckOptions {
  resolve?: ResolveHost;
  /**
   * When the resolver itself failed (timeout, SERVFAIL, no DNS server), go on instead of refusing: every
   * send resolves and checks the address again at connect time, so a partner who confirms may save.
   */
  allowUncheckedHost?: boolean;
}

/** Answers meaning "this name does not exist" (NXDOMAIN or no address records), as opposed to "DNS failed". */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'EAI_NODATA', 'ENONAME', 'NXDOMAIN']);

export interface PostbackCheck {
  /** Set when the host could not be checked right now; says why (EAI_AGAIN ...). */
  hostUnchecked: string | null;
}

/**
 * The save-time checks of a postback (also run before a test fire of an unsaved URL): template syntax, known
 * macros, http/https, length, body, and that the host resolves to public addresses only. Throws AppError
 * naming the field and the fix; the first problem decides the code (unknown_macro, unclosed_brace ...).
 */
export async function checkPostbackShape(
  deps: Deps,
  p: PostbackShapeInput,
  opts: PostbackCheckOptions = {},
): Promise<PostbackCheck> {
  const check = checkPostbackTemplate(p.url);
  if (!check.ok) {
    const first = check.problems[0]!;
    throw new AppError('invalid', first.code, check.problems.map((x) => x.message).join('; '), 'url');
  }
  if (p.method === 'GET' && p.bodyFormat !== 'none') {
    throw new AppError(
      'invalid',
      'body_needs_post',
      'a body is only sent with method POST; set method to POST or body_format to none',
      'body_format',
    );
  }
  if (p.bodyFormat !== 'none') {
    const body = checkBodyTemplate(p.bodyTemplate, p.bodyFormat);
    if (!body.ok) {
      const first = body.problems[0]!;
      throw new AppError('invalid', first.code, body.problems.map((x) => x.message).join('; '), 'body_template');
    }
  }
  // Loaded here, not at the top: undici is a visible share of a one-shot CLI verb's start-up.
  const { resolveAllowedAddresses } = await import('../../outbound/safe-http.js');
  try {
    await resolveAllowedAddresses(check.host, {
      allowPrivateNetworks: deps.config.postbacks.allowPrivateNetworks,
      resolve: opts.resolve ?? deps.resolveHost,
      timeoutMs: 5_000,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ERR_POSTBACK_BLOCKED') {
      throw new AppError('invalid', 'postback_host_blocked', `${e.message}; use your server's public host name`, 'url');
    }
    if (e.code === 'ERR_POSTBACK_INVALID_HOST') {
      throw new AppError('invalid', 'invalid_url', `the postback host is not valid: ${e.message}`, 'url');
    }
    if (e.code !== undefined && NO_SUCH_NAME.has(e.code)) {
      throw new AppError(
        'invalid',
        'postback_host_unresolvable',
        `the host ${check.host} does not exist (${e.code}); check its spelling`,
        'url',
      );
    }
    // The resolver failed (EAI_AGAIN, a timeout, SERVFAIL ...): that says nothing about the partner's host.
    const why = e.code ?? 'DNS error';
    if (opts.allowUncheckedHost) return { hostUnchecked: why };
    throw new AppError(
      'unavailable',
      'postback_host_unchecked',
      `could not check the host ${check.host} right now (${why}: our DNS resolver did not answer); try again in a minute`,
      'url',
    );
  }
  return { hostUnchecked: null };
}
