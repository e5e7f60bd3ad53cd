import { listPartnerConversions } from '../../../../src/app/portal/list-partner-conversions.js';
import type { Period } from '../../../../src/domain/period.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { clip, localStamp, money, periodLabel } from '../../format.js';
import { parsePeriodArgs, parseTypeAndPeriod } from '../../period-args.js';
import { bold, code, type Line, type Reply, reply, text } from '../../reply.js';
import { fitAction, orExplain, pageOf, pager } from './shared.js';

const usage = 'conversions [type] [period]  (e.g. conversions deposit 7d)';
const PAGE_SIZE = 10;

async function page(ctx: CommandContext, type: string | null, period: Period, n: number): Promise<Reply> {
  const partner = partnerOf(ctx);
  const tz = partner.timezone;
  const r = await listPartnerConversions(ctx.app, partner.id, {
    type,
    from: period.from,
    to: period.to,
    page: n,
    pageSize: PAGE_SIZE,
  });
  const what = type ? `${type.charAt(0).toUpperCase()}${type.slice(1)} conversions` : 'Conversions';
  if (r.total === 0) return reply([text(`No ${what.toLowerCase()} in ${periodLabel(period)}.`)]);
  const lines = r.items.flatMap((c): Line[] => [
    [
      bold(localStamp(c.created_at, tz)),
      ` · ${clip(c.campaign_name, 30)} · ${c.type} · ${c.status} · ${money(c.payout, c.currency)}`,
    ],
    ['   txid ', code(c.txid || '–'), ' · ref_id ', code(c.ref_id ?? '–'), ' · click ', code(c.click_id)],
  ]);
  return reply(
    [
      text(
        [bold(what), ` · ${periodLabel(period)} · page ${r.page} of ${r.pages} (${r.total} in all), newest first`],
        ...lines,
      ),
    ],
    // The action carries the resolved dates and the type last, where fitAction may shorten it.
    pager(r.page, r.pages, (p) => fitAction(`conversions:page:${p}:${period.fromDate}..${period.toDate}:`, type ?? '')),
  );
}

/** The partner's recent conversions with the ids they need to reconcile with their tracker. */
export const conversionsCommand: Command = {
  name: 'conversions',
  aliases: ['conv'],
  summary: 'recent conversions with txid and ref_id',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const partner = partnerOf(ctx);
      const { type, period } = parseTypeAndPeriod(args, partner.timezone, ctx.now, '7d');
      return page(ctx, type, period, 1);
    }),
  onAction: (ctx, action) =>
    orExplain(ctx, usage, async () => {
      const [, , n, range = '', ...type] = action.split(':');
      const partner = partnerOf(ctx);
      const { period } = parsePeriodArgs(range, partner.timezone, ctx.now, { defaultPeriod: '7d', allowGroup: false });
      return page(ctx, type.join(':') || null, period, pageOf(n));
    }),
};
