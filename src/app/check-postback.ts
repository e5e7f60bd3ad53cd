import { AppError } from '../domain/errors.js';
import { checkBodyTemplate, checkPostbackTemplate } from '../domain/postback-template.js';
import type { ResolveHost } from '../outbound/safe-http.js';
import type { Deps } from './deps.js';

export interface PostbackShapeInput {
  url: string;
  method: 'GET' | 'POST';
  bodyFormat: 'none' | 'form' | 'json';
  bodyTemplate: string;
}

/**
 * The save-time checks of a postback (also run before a test fire of an unsaved URL): template syntax, known
 * macros, http/https, length, body, and that the host resolves to public addresses only. Throws AppError
 * naming the field and the fix; the first problem decides the code (unknown_macro, unclosed_brace ...).
 */
export async function checkPostbackShape(
  deps: Deps,
  p: PostbackShapeInput,
  opts: { resolve?: ResolveHost } = {},
): Promise<void> {
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
  const { resolveAllowedAddresses } = await import('../outbound/safe-http.js');
  try {
    await resolveAllowedAddresses(check.host, {
      allowPrivateNetworks: deps.config.postbacks.allowPrivateNetworks,
      resolve: opts.resolve,
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
    throw new AppError(
      'invalid',
      'postback_host_unresolvable',
      `the host ${check.host} does not resolve (${e.code ?? 'DNS error'}); check its spelling`,
      'url',
    );
  }
}
