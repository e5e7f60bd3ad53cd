/**
 * Deeplinks: a tracking link that sends the visitor to a page the partner chose instead of the campaign's
 * landing. The page must be on one of the campaign's deeplink domains, or the tracking link would be an open
 * redirect (phishing sites love a trusted redirector). One check serves the bot, which explains refusals,
 * and the tracking redirect, which re-checks the final URL of every deeplink click.
 */

/** Browsers and CDNs take far longer URLs, but a page address past this is a pasting mistake, not a page. */
export const MAX_DEEPLINK_LENGTH = 2048;

/** A host is allowed when it is a listed domain or a subdomain of one ("shop.example.com" under "example.com"). */
export function hostAllowed(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === '') return false;
  return domains.some((d) => {
    const dom = d.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
    return dom !== '' && (h === dom || h.endsWith(`.${dom}`));
  });
}

export type DeeplinkCheck =
  | { ok: true; url: URL }
  /** not_url: not an absolute URL; scheme: not http(s); no_domains: the campaign allows none; host: not listed. */
  | { ok: false; reason: 'not_url' | 'scheme' | 'no_domains' | 'host'; host?: string };

/**
 * Whether `raw` may be a deeplink target of a campaign with these deeplink domains. The host is the one a
 * browser would go to (WHATWG parsing, as browsers read a Location header), so tricks like
 * "https://allowed.example@evil.example/" or "https://evil.example\\.allowed.example" are judged by their
 * real host.
 */
export function checkDeeplink(raw: string, domains: readonly string[]): DeeplinkCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not_url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'scheme' };
  if (domains.length === 0) return { ok: false, reason: 'no_domains', host: url.hostname };
  if (!hostAllowed(url.hostname, domains)) return { ok: false, reason: 'host', host: url.hostname };
  return { ok: true, url };
}
