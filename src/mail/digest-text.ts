import type { DigestView, TableRowView } from './digest-view.js';

/**
 * The plain-text part, written from the same view as the HTML (not converted from it), so it reads as text:
 * no preheader, no image, tables as aligned lines, links spelled out.
 */
export function renderDigestText(v: DigestView): string {
  const out: string[] = [];
  out.push(`${v.title}: ${v.periodLabel}`, v.zoneLine, '', v.greeting, '', v.headline, '');
  if (v.hasTraffic) {
    for (const k of [v.kpi.clicks, v.kpi.conversions, v.kpi.cr, v.kpi.epc, v.kpi.payout]) {
      out.push(`${`${k.label}:`.padEnd(13)}${k.value.padEnd(14)}${k.arrow} ${k.change}`);
    }
    out.push('');
    if (v.hasUnusual) out.push('Unusual this period', ...v.unusual.map((u) => `- ${u}`), '');
    if (v.hasCampaigns) out.push('Top campaigns', ...table('Campaign', v.campaigns), '');
    if (v.hasCountries) out.push('Top countries', ...table('Country', v.countries), '');
  } else {
    out.push(v.emptyNote, '');
  }
  out.push(
    'Balance and next payout',
    `Available: ${v.money.available}`,
    `Pending approval: ${v.money.pending}`,
    `Next payout (${v.money.nextDate}): ${v.money.nextAmount}`,
    `Minimum payout: ${v.money.minimum}`,
    v.money.note,
    '',
    'Postbacks',
    v.postbacks.summary,
    ...v.postbacks.lines,
    '',
  );
  if (v.bots.hasBots) {
    out.push('In chat');
    if (v.bots.hasTelegram) out.push(`Telegram: ${v.bots.telegramUrl}`);
    if (v.bots.hasSlack) out.push(`Slack: ${v.bots.slackUrl}`);
    out.push('');
  }
  out.push('--', v.scheduleLine, v.settingsLine, `Unsubscribe (one click): ${v.unsubscribeUrl}`, v.footer);
  return `${out.join('\n')}\n`;
}

function table(first: string, rows: TableRowView[]): string[] {
  const w = Math.min(32, Math.max(first.length, ...rows.map((r) => r.label.length)));
  const line = (a: string, b: string, c: string, d: string, e: string) =>
    `${a.padEnd(w)}  ${b.padStart(8)}  ${c.padStart(6)}  ${d.padStart(8)}  ${e.padStart(12)}`;
  return [
    line(first, 'Clicks', 'Conv.', 'CR', 'Payout'),
    ...rows.map((r) => line(r.label, r.clicks, r.conversions, r.cr, r.payout)),
  ];
}
