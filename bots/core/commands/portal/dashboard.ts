import { getDashboard } from '../../../../src/app/reports/get-dashboard.js';
import { type Command, partnerOf } from '../../command.js';
import { change, count, epc, money, percent, periodLabel } from '../../format.js';
import { parsePeriodArgs } from '../../period-args.js';
import { bold, reply, text } from '../../reply.js';
import { orExplain } from './shared.js';

const usage = 'dashboard [period]  (today, yesterday, 7d, 30d, mtd, last week, 2026-11-01..2026-11-15)';

/** KPIs for a period with the change against the period of equal length before it. */
export const dashboardCommand: Command = {
  name: 'dashboard',
  aliases: ['stats'],
  summary: 'clicks, conversions, CR, EPC and payout vs the previous period',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const partner = partnerOf(ctx);
      const { period } = parsePeriodArgs(args, partner.timezone, ctx.now, {
        defaultPeriod: 'today',
        allowGroup: false,
      });
      const d = await getDashboard(ctx.app, partner.id, period);
      const { current: c, before: b, currency } = d;
      // EPC compared in minor units per 100 clicks: exact integers, no parsing of the decimal string.
      const epcMinor = (m: typeof c) => (m.clicks === 0 ? 0 : Math.round((m.payout * 100) / m.clicks));
      const cr = (m: typeof c) => Math.round((m.cr ?? 0) * 100);
      return reply([
        text(
          [bold('Dashboard'), ` · ${periodLabel(period)}`],
          `Clicks: ${c.clicks} (${change(c.clicks, b.clicks)})`,
          `Conversions: ${c.conversions} (${change(c.conversions, b.conversions)})`,
          `CR: ${percent(c.cr)} (${change(cr(c), cr(b))})`,
          `EPC: ${epc(c.epc, currency)} (${change(epcMinor(c), epcMinor(b))})`,
          `Payout: ${money(c.payout, currency)} (${change(c.payout, b.payout)})`,
          [
            {
              italic: `Compared with ${d.previous.fromDate === d.previous.toDate ? d.previous.fromDate : `${d.previous.fromDate}..${d.previous.toDate}`}: ${count(b.clicks, 'click')}, ${count(b.conversions, 'conversion')}, ${money(b.payout, currency)}.`,
            },
          ],
        ),
      ]);
    }),
};
