import { listPartnerCampaigns, type PartnerCampaign } from '../../../../src/app/portal/list-partner-campaigns.js';
import { formatMoney, parseMoney } from '../../../../src/domain/money.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { bold, type Line, type Reply, reply, text } from '../../reply.js';
import { cmdText, fitAction, orExplain, pageOf, pager } from './shared.js';

const usage = 'campaigns [search]';

/** "Deposit $50 · Lead $5 · Sale 25%": what each conversion type pays. */
export function payoutSummary(c: Pick<PartnerCampaign, 'payouts' | 'currency'>): string {
  const amount = (s: string) => formatMoney(parseMoney(s, 'amount', c.currency), c.currency).replace(/\.0+$/, '');
  return c.payouts
    .map((p) => `${p.type} ${p.percent !== undefined ? `${p.percent}% rev share` : amount(p.amount ?? '0')}`)
    .join(' · ');
}

async function page(ctx: CommandContext, search: string, n: number): Promise<Reply> {
  const partner = partnerOf(ctx);
  const r = await listPartnerCampaigns(ctx.app, partner.id, { search, page: n, pageSize: 10 });
  if (r.total === 0) {
    return reply([
      text(
        search
          ? `No campaigns match "${search}". Send ${cmdText(ctx, 'campaigns')} to see all of yours.`
          : 'No campaigns are open to you yet; ask your partner manager.',
      ),
    ]);
  }
  const lines = r.items.flatMap((c): Line[] => [
    [
      bold(`${c.id} · ${c.name}`),
      ` (${c.type.toUpperCase()})${c.partner_access === 'pending' ? ' · pending approval' : ''}`,
    ],
    [`   ${payoutSummary(c) || 'no payouts set'}`],
  ]);
  const head = search ? `Campaigns matching "${search}"` : 'Your campaigns';
  return reply(
    [
      text(
        [bold(head), ` · page ${r.page} of ${r.pages} (${r.total} in all)`],
        ...lines,
        'Details and tracking link: campaign ID',
      ),
    ],
    pager(r.page, r.pages, (p) => fitAction(`campaigns:page:${p}:`, search)),
  );
}

/** The partner's campaigns, 10 a page, optionally filtered by a word in the name or description. */
export const campaignsCommand: Command = {
  name: 'campaigns',
  aliases: ['offers'],
  summary: 'your campaigns and what they pay (search with a word)',
  usage,
  needsPartner: true,
  run: (ctx, args) => orExplain(ctx, usage, () => page(ctx, args.trim(), 1)),
  onAction: (ctx, action) =>
    orExplain(ctx, usage, async () => {
      // campaigns:page:N:search (search may contain ':').
      const [, , n, ...rest] = action.split(':');
      return page(ctx, rest.join(':'), pageOf(n));
    }),
};
