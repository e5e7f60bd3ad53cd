import { getPartnerCampaign, partnerTrackingLink } from '../../../../src/app/get-partner-campaign.js';
import { type Command, partnerOf } from '../../command.js';
import { bold, code, reply, text } from '../../reply.js';
import { orExplain } from './shared.js';

const usage = 'deeplink ID URL';

/** A host is allowed when it is a listed domain or a subdomain of one ("shop.example.com" under "example.com"). */
function hostAllowed(host: string, domains: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => {
    const dom = d.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
    return h === dom || h.endsWith(`.${dom}`);
  });
}

const samePage = (a: URL, b: URL) =>
  a.host.toLowerCase() === b.host.toLowerCase() && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');

/**
 * A tracking link that lands on a given page. The tracking route only knows the campaign's landings (`lp=`),
 * not arbitrary target URLs, so a URL that is one of the landings gets an `lp` link and any other page of an
 * allowed domain is refused with that explanation, rather than a link that would silently land elsewhere.
 */
export const deeplinkCommand: Command = {
  name: 'deeplink',
  summary: 'a tracking link that lands on a page you choose',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(usage, async () => {
      const partner = partnerOf(ctx);
      const [id = '', rawUrl = ''] = args.trim().split(/\s+/);
      if (id === '' || rawUrl === '') {
        return reply([
          text('Send the campaign id and the page, for example:', [code('deeplink 12 https://shop.example.com/sale')]),
        ]);
      }
      const c = await getPartnerCampaign(ctx.app, partner.id, id);
      let url: URL;
      try {
        url = new URL(rawUrl);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
      } catch {
        return reply([text(`"${rawUrl.slice(0, 80)}" is not a web address; send a full URL starting with https://`)]);
      }
      if (c.deeplink_domains.length === 0) {
        return reply([text(`Campaign ${c.id} has no deeplinks; use its tracking link (send "campaign ${c.id}").`)]);
      }
      if (!hostAllowed(url.hostname, c.deeplink_domains)) {
        return reply([
          text(
            `${url.hostname} is not allowed for campaign ${c.id}. Deeplinks may point to: ${c.deeplink_domains.join(', ')}.`,
          ),
        ]);
      }
      const landing = c.landings.find((l) => {
        if (l.status !== 'active') return false;
        try {
          return samePage(new URL(l.url.replace(/\{[A-Za-z0-9_]+\}/g, '')), url);
        } catch {
          return false;
        }
      });
      if (!landing) {
        const listed = c.landings.filter((l) => l.status === 'active').map((l) => `${l.id} · ${l.name}`);
        return reply([
          text(
            `Links to any page of ${c.deeplink_domains.join(', ')} are not supported by tracking yet; only the campaign's landings can be targeted.`,
            listed.length > 0
              ? `Landings: ${listed.join('; ')}. Add &lp=ID to your tracking link.`
              : `Use the campaign's tracking link (send "campaign ${c.id}").`,
          ),
        ]);
      }
      const link = partnerTrackingLink(ctx.app.config.publicUrl, c.id, partner.id, landing.id);
      return reply([
        text(
          [bold(`Deeplink to ${landing.name}`), ` · campaign ${c.id}`],
          [code(link)],
          [
            'Replace ',
            code('{replace_me}'),
            " with your tracker's click id macro; it comes back to you as ",
            code('{ref_id}'),
            '.',
          ],
        ),
      ]);
    }),
};
