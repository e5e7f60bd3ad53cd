import { getPartnerCampaign, partnerTrackingLink } from '../../../../src/app/portal/get-partner-campaign.js';
import { checkDeeplink, MAX_DEEPLINK_LENGTH } from '../../../../src/domain/deeplink.js';
import { type Command, partnerOf } from '../../command.js';
import { bold, code, reply, text } from '../../reply.js';
import { cmd, cmdText, orExplain } from './shared.js';

const usage = 'deeplink ID URL';

const samePage = (a: URL, b: URL) =>
  a.host.toLowerCase() === b.host.toLowerCase() && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');

/**
 * A tracking link that lands on a page the partner chooses. A page that is one of the campaign's landings gets
 * an `lp` link (its clicks then count for that landing in reports); any other page of the campaign's deeplink
 * domains gets a `deeplink=` link. The tracking redirect re-checks the page on every click, so the answers
 * here are for the partner's benefit: they say why a page is refused before the link goes into an ad.
 */
export const deeplinkCommand: Command = {
  name: 'deeplink',
  summary: 'a tracking link that lands on a page you choose',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const partner = partnerOf(ctx);
      const [id = '', rawUrl = ''] = args.trim().split(/\s+/);
      if (id === '' || rawUrl === '') {
        return reply([
          text('Send the campaign id and the page, for example:', [
            cmd(ctx, 'deeplink 12 https://shop.example.com/sale'),
          ]),
        ]);
      }
      const c = await getPartnerCampaign(ctx.app, partner.id, id);
      if (rawUrl.length > MAX_DEEPLINK_LENGTH) {
        return reply([
          text(`That address is ${rawUrl.length} characters long; a deeplink may have at most ${MAX_DEEPLINK_LENGTH}.`),
        ]);
      }
      const check = checkDeeplink(rawUrl, c.deeplink_domains);
      if (!check.ok) {
        if (check.reason === 'not_url' || check.reason === 'scheme') {
          return reply([text(`"${rawUrl.slice(0, 80)}" is not a web address; send a full URL starting with https://`)]);
        }
        if (check.reason === 'no_domains') {
          return reply([
            text(
              `Campaign ${c.id} has no deeplinks; use its tracking link (send ${cmdText(ctx, `campaign ${c.id}`)}).`,
            ),
          ]);
        }
        return reply([
          text(
            `${check.host} is not allowed for campaign ${c.id}. Deeplinks may point to: ${c.deeplink_domains.join(', ')}.`,
          ),
        ]);
      }
      const url = check.url;
      // Only a bare landing address becomes an lp link: the landing's own template would drop a query or
      // fragment the partner added (a promo code, a section), which a deeplink keeps.
      const bare = url.search === '' && url.hash === '';
      const landing = c.landings.find((l) => {
        if (!bare || l.status !== 'active') return false;
        try {
          return samePage(new URL(l.url.replace(/\{[A-Za-z0-9_]+\}/g, '')), url);
        } catch {
          return false;
        }
      });
      const base = ctx.app.config.publicUrl;
      // The address as the partner wrote it, not url.href: the URL parser escapes braces in a path, which
      // would turn a {sub1} the partner put there into literal text instead of a click macro.
      const link = landing
        ? partnerTrackingLink(base, c.id, partner.id, { landingId: landing.id })
        : partnerTrackingLink(base, c.id, partner.id, { deeplink: rawUrl });
      // The page as written (host and path), so macros read as {sub1} rather than %7Bsub1%7D.
      const page = rawUrl
        .replace(/^https?:\/\//i, '')
        .replace(/[?#].*$/, '')
        .replace(/\/$/, '');
      const title = landing ? landing.name : page;
      return reply([
        text(
          [bold(`Deeplink to ${title.slice(0, 120)}`), ` · campaign ${c.id}`],
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
