import { buildReport, type Report } from '../../../../src/app/reports/build-report.js';
import type { ChartSpec } from '../../../../src/charts/index.js';
import { reportToCsv } from '../../../../src/domain/csv.js';
import { localDayKey, localHourKey, type Period } from '../../../../src/domain/period.js';
import { isTimeGroup, type ReportGroup } from '../../../../src/domain/report-dimensions.js';
import type { ReportRow } from '../../../../src/domain/report-math.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { clip, count, epc, money, percent, periodLabel } from '../../format.js';
import { parsePeriodArgs } from '../../period-args.js';
import { type Block, bold, type Reply, reply, text } from '../../reply.js';
import { fitAction, orExplain } from './shared.js';

const usage =
  'report [period] [by DIM]  (e.g. report 7d by geo; DIM: campaign, landing, geo, device, os, day, hour, sub1..sub5)';
const TABLE_ROWS = 15;
const CHART_BARS = 10;

async function partnerReport(ctx: CommandContext, period: Period, group: ReportGroup): Promise<Report> {
  const partner = partnerOf(ctx);
  // Always the partner's audience: revenue, cost and profit are dropped in the core, not by this command.
  return buildReport(ctx.app, {
    partnerId: partner.id,
    group,
    from: period.from,
    to: period.to,
    timezone: period.timezone,
    audience: 'partner',
  });
}

function table(r: Report): Block {
  const time = isTimeGroup(r.group);
  // Time groups keep their order and show the latest buckets; other groups are already sorted by clicks.
  const shown = time ? r.rows.slice(-TABLE_ROWS) : r.rows.slice(0, TABLE_ROWS);
  const cells = (m: Omit<ReportRow, 'key' | 'label'>) => [
    String(m.clicks),
    String(m.conversions),
    percent(m.cr),
    m.epc ?? '–',
    money(m.payout, r.currency),
  ];
  return {
    kind: 'table',
    columns: [
      { title: r.groupTitle },
      { title: 'Clicks', align: 'right' },
      { title: 'Conv', align: 'right' },
      { title: 'CR', align: 'right' },
      { title: `EPC ${r.currency}`, align: 'right' },
      { title: 'Payout', align: 'right' },
    ],
    rows: shown.map((row) => [clip(row.label, 24), ...cells(row)]),
    totals: ['Total', ...cells(r.totals)],
  };
}

function chartSpec(r: Report, period: Period, now: number): ChartSpec {
  const time = isTimeGroup(r.group);
  let rows = time ? r.rows : r.rows.slice(0, CHART_BARS);
  // Today (or this hour) is not over: its figure would read as a plunge next to whole days. It is drawn as
  // in progress, and hours still to come are left out rather than drawn as zeros.
  const nowKey =
    r.group === 'day'
      ? localDayKey(now, period.timezone)
      : r.group === 'hour'
        ? localHourKey(now, period.timezone)
        : null;
  const current = nowKey === null ? -1 : rows.findIndex((row) => row.key === nowKey);
  if (current >= 0) rows = rows.slice(0, current + 1);
  return {
    ...(current >= 0
      ? { partial: { index: current, label: r.group === 'day' ? 'today so far' : 'this hour so far' } }
      : {}),
    kind: time ? 'line' : 'bar',
    title: `Clicks and payout by ${r.groupTitle.toLowerCase()}`,
    subtitle: periodLabel(period),
    categories: rows.map((row) => clip(row.label, 20)),
    series: [
      { name: 'Clicks', values: rows.map((row) => row.clicks), format: 'int' },
      { name: 'Payout', values: rows.map((row) => row.payout), format: 'money' },
    ],
    currency: r.currency,
  };
}

/** The chart, or nothing: a renderer failure must never cost the partner their table. */
async function chartBlock(ctx: CommandContext, r: Report, period: Period): Promise<Block[]> {
  if (r.rows.length === 0 || r.totals.clicks + r.totals.conversions === 0) return [];
  try {
    const png = await ctx.app.charts.render(chartSpec(r, period, ctx.now));
    return [
      { kind: 'image', png, alt: `Chart: clicks and payout by ${r.groupTitle.toLowerCase()}, ${periodLabel(period)}` },
    ];
  } catch (err) {
    ctx.app.logger.warn(
      { err, event: 'bot.chart.failed', group: r.group },
      'chart not rendered; report sent without it',
    );
    return [];
  }
}

async function show(ctx: CommandContext, args: string): Promise<Reply> {
  const partner = partnerOf(ctx);
  const { period, group } = parsePeriodArgs(args, partner.timezone, ctx.now, { defaultPeriod: '7d', allowGroup: true });
  const g = group ?? 'day';
  const r = await partnerReport(ctx, period, g);
  const t = r.totals;
  const more =
    r.rows.length > TABLE_ROWS
      ? ` · showing ${isTimeGroup(g) ? 'the last' : 'the top'} ${TABLE_ROWS} of ${r.rows.length} rows`
      : '';
  const blocks: Block[] = [
    text(
      [bold(`Report by ${r.groupTitle.toLowerCase()}`), ` · ${periodLabel(period)}${more}`],
      `Totals: ${count(t.clicks, 'click')} · ${count(t.conversions, 'conversion')} · CR ${percent(t.cr)} · EPC ${epc(t.epc, r.currency)} · payout ${money(t.payout, r.currency)}`,
    ),
    table(r),
    ...(await chartBlock(ctx, r, period)),
  ];
  // The button carries the resolved dates, so the CSV has the same days even if pressed after midnight.
  const action = fitAction(`report:csv:${period.fromDate}..${period.toDate}:${g}`);
  return reply(blocks, [[{ label: 'Export CSV', action }]]);
}

async function csv(ctx: CommandContext, action: string): Promise<Reply> {
  const partner = partnerOf(ctx);
  const [, , range = '', group = 'day'] = action.split(':');
  const { period, group: g } = parsePeriodArgs(`${range} by ${group}`, partner.timezone, ctx.now, {
    defaultPeriod: '7d',
    allowGroup: true,
  });
  const r = await partnerReport(ctx, period, g ?? 'day');
  const data = new TextEncoder().encode(reportToCsv(r));
  return reply([
    {
      kind: 'file',
      filename: `report-${r.group}-${period.fromDate}-${period.toDate}.csv`,
      mime: 'text/csv',
      data,
      caption: [[`Report by ${r.groupTitle.toLowerCase()} · ${periodLabel(period)} · ${r.currency}`]],
    },
  ]);
}

/** Table, chart and a CSV button for the partner's own figures. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'a report table with a chart and CSV export',
  usage,
  needsPartner: true,
  run: (ctx, args) => orExplain(ctx, usage, () => show(ctx, args)),
  onAction: (ctx, action) => orExplain(ctx, usage, () => csv(ctx, action)),
};
