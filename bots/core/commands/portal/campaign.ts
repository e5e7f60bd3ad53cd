import { getPartnerCampaign, partnerTrackingLink } from '../../../../src/app/portal/get-partner-campaign.js';
import type { PartnerCampaign } from '../../../../src/app/portal/list-partner-campaigns.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { type Block, bold, code, italic, type Line, reply, text } from '../../reply.js';
import { payoutSummary } from './campaigns.js';
import { cmd, cmdText, orExplain } from './shared.js';

const usage = 'campaign ID';

/** What the partner needs to start: terms, tracking link, landings, creatives. */
export const campaignCommand: Command = {
  name: 'campaign',
  aliases: ['offer'],
  summary: 'one campaign: payouts, your tracking link, landings and creatives',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const partner = partnerOf(ctx);
      const id = args.trim().replace(/^#/, '');
      if (id === '') {
        return reply([
          text(`Which campaign? Send ${cmdText(ctx, 'campaign ID')}; ${cmdText(ctx, 'campaigns')} lists yours.`),
        ]);
      }
      const c = await getPartnerCampaign(ctx.app, partner.id, id);
      const link = partnerTrackingLink(ctx.app.config.publicUrl, c.id, partner.id);
      return reply([...describe(c), ...trackingBlocks(ctx, c, link), ...landingBlocks(c), ...creativeBlocks(c)]);
    }),
};

function describe(c: PartnerCampaign): Block[] {
  const lines: Line[] = [[bold(`${c.name}`), ` · campaign ${c.id} · ${c.type.toUpperCase()} · ${c.category}`]];
  if (c.partner_access === 'pending') {
    lines.push([italic('Pending approval: the tracking link starts working once your manager approves you.')]);
  }
  if (c.status !== 'active') lines.push([italic(`This campaign is ${c.status}: clicks are not tracked right now.`)]);
  if (c.description) lines.push([c.description]);
  lines.push([bold('Payouts: '), payoutSummary(c) || 'none set yet']);
  if (c.geo_targets.length > 0) lines.push([bold('Countries: '), c.geo_targets.join(', ')]);
  return [text(...lines)];
}

function trackingBlocks(ctx: CommandContext, c: PartnerCampaign, link: string): Block[] {
  const lines: Line[] = [
    [bold('Your tracking link')],
    [code(link)],
    [
      'Replace ',
      code('{replace_me}'),
      " with your tracker's click id macro (for example {clickid} or {{click_id}}, whatever your tracker uses). We store it and send it back to you as ",
      code('{ref_id}'),
      ' in your postback, so your tracker can match each conversion to its click.',
    ],
    ['Optional: add ', code('&sub1=...'), ' to ', code('&sub5=...'), ' for your own break-downs (report by sub1).'],
  ];
  if (c.deeplink_domains.length > 0) {
    lines.push(['Deeplinks to pages on ', c.deeplink_domains.join(', '), ': send ', cmd(ctx, `deeplink ${c.id} URL`)]);
  }
  return [text(...lines)];
}

function landingBlocks(c: PartnerCampaign): Block[] {
  const active = c.landings.filter((l) => l.status === 'active');
  if (active.length === 0) return [];
  return [
    text([bold('Landings')], ...active.map((l): Line => [`${l.id} · ${l.name}${l.is_default ? ' (default)' : ''}`]), [
      'To send visitors to a specific landing add ',
      code('&lp=ID'),
      ' to the tracking link.',
    ]),
  ];
}

function creativeBlocks(c: PartnerCampaign): Block[] {
  if (c.creatives.length === 0) return [];
  const blocks: Block[] = [text([bold(`Creatives (${c.creatives.length})`)])];
  for (const cr of c.creatives) {
    const size = cr.width && cr.height ? ` · ${cr.width}x${cr.height}` : '';
    if (cr.kind === 'banner' && /^https?:\/\//.test(cr.url)) {
      blocks.push({ kind: 'image_url', url: cr.url, alt: cr.name, caption: [[`${cr.name}${size}`]] });
    } else if (cr.kind === 'text') {
      blocks.push(text([bold(cr.name)], [cr.body || cr.url]));
    } else {
      blocks.push(text([`${cr.name} (${cr.kind}${size}): `, cr.url ? { link: cr.url, url: cr.url } : cr.body]));
    }
  }
  return blocks;
}
