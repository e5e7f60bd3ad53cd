import { LRUCache } from 'lru-cache';
import type { DigestData } from '../app/digests/gather-digest-data.js';
import { type DigestCadence, periodLabel, previousName, weekdayName } from '../domain/digest-schedule.js';
import { currencyExponent, formatMoney, formatMoneyFine } from '../domain/money.js';
import type { ReportMetrics } from '../domain/report-math.js';

/**
 * A digest as words and figures, ready to fill the compiled template and to write the text part: both come
 * from this one object, so the two parts always say the same. Every value is a plain string or list (the
 * template escapes them; nothing here is HTML).
 */
export interface KpiView {
  label: string;
  value: string;
  /** "▲", "▼" or "–": never colour alone. */
  arrow: string;
  /** "up 12 % on the week before", "no change", "new this week". */
  change: string;
  /** good | bad | flat: a CSS class (colour is a hint beside the arrow and the word). */
  tone: string;
}

export interface TableRowView {
  label: string;
  clicks: string;
  conversions: string;
  cr: string;
  payout: string;
}

export interface DigestView {
  lang: string;
  subject: string;
  preheader: string;
  title: string;
  periodLabel: string;
  /** "Times in Europe/Berlin · amounts in EUR". */
  zoneLine: string;
  greeting: string;
  headline: string;
  hasTraffic: boolean;
  emptyNote: string;
  kpi: { clicks: KpiView; conversions: KpiView; cr: KpiView; epc: KpiView; payout: KpiView };
  hasChart: boolean;
  chartCid: string;
  chartAlt: string;
  campaigns: TableRowView[];
  hasCampaigns: boolean;
  countries: TableRowView[];
  hasCountries: boolean;
  unusual: string[];
  hasUnusual: boolean;
  money: { available: string; pending: string; nextDate: string; nextAmount: string; minimum: string; note: string };
  postbacks: { hasPostbacks: boolean; summary: string; lines: string[] };
  bots: { hasBots: boolean; telegramUrl: string; slackUrl: string; hasTelegram: boolean; hasSlack: boolean };
  scheduleLine: string;
  settingsLine: string;
  unsubscribeUrl: string;
  footer: string;
}

export interface DigestViewLinks {
  unsubscribeUrl: string;
  telegramUrl: string | undefined;
  slackUrl: string | undefined;
  /** The partner's schedule as they set it, for the "why you get this" line. */
  schedule: { cadence: DigestCadence; hour: number; weekday: number } | null;
  /** Content-ID of the chart attachment. */
  chartCid: string;
  /** False when the chart could not be rendered: the digest goes without it. */
  hasChart: boolean;
}

const int = new Intl.NumberFormat('en-US');
const pct = (p: number) => `${(Math.round(p * 100) / 100).toFixed(2)} %`;
const NOUN: Record<DigestCadence, string> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** "up 12 % on the week before"; rounded so a tiny float never reads as a change. */
function changeOf(
  now: number,
  before: number,
  cadence: DigestCadence,
  higherIsBetter = true,
): Omit<KpiView, 'label' | 'value'> {
  const prev = previousName(cadence);
  if (before === 0 && now === 0)
    return { arrow: '–', change: `none ${prev.replace('the ', 'in the ')} either`, tone: 'flat' };
  if (before === 0) return { arrow: '▲', change: `new: none ${prev.replace('the ', 'in the ')}`, tone: 'good' };
  const share = Math.round(((now - before) / Math.abs(before)) * 100);
  if (share === 0) return { arrow: '–', change: `no change on ${prev}`, tone: 'flat' };
  const up = share > 0;
  return {
    arrow: up ? '▲' : '▼',
    change: `${up ? 'up' : 'down'} ${Math.abs(share)} % on ${prev}`,
    tone: up === higherIsBetter ? 'good' : 'bad',
  };
}

const epcMinor = (m: ReportMetrics) => (m.clicks > 0 ? m.payout / m.clicks : 0);
const crOf = (m: ReportMetrics) => (m.clicks > 0 ? (m.conversions / m.clicks) * 100 : 0);

/** EPC is usually a fraction of a cent: two more decimals than the currency has. */
function formatMoneyFraction(minorPerClick: number, currency: string): string {
  try {
    return formatMoneyFine(minorPerClick, currency, 2);
  } catch {
    const exp = currencyExponent(currency);
    return `${(minorPerClick / 10 ** exp).toFixed(exp + 2)} ${currency}`;
  }
}

function rowView(
  r: { label: string; clicks: number; conversions: number; payout: number },
  currency: string,
): TableRowView {
  return {
    label: r.label.length > 40 ? `${r.label.slice(0, 39)}…` : r.label,
    clicks: int.format(r.clicks),
    conversions: int.format(r.conversions),
    cr: r.clicks > 0 ? pct((r.conversions / r.clicks) * 100) : '–',
    payout: formatMoney(r.payout, currency),
  };
}

export function buildDigestView(d: DigestData, links: DigestViewLinks): DigestView {
  const cur = d.partner.currency;
  const cadence = d.period.cadence;
  const noun = NOUN[cadence];
  const label = periodLabel(d.period);
  const t = d.totals;
  const p = d.prevTotals;
  const hasTraffic = t.clicks > 0 || t.conversions > 0 || t.payout !== 0;
  const payoutChange = changeOf(t.payout, p.payout, cadence);
  const money = (m: number) => formatMoney(m, cur);
  const subject = hasTraffic
    ? `Your ${noun}, ${label}: ${money(t.payout)} payout, ${payoutChange.change.replace(/ on the .*$/, '')}`
    : `Your ${noun}, ${label}: no traffic`;
  const kpi = {
    clicks: { label: 'Clicks', value: int.format(t.clicks), ...changeOf(t.clicks, p.clicks, cadence) },
    conversions: {
      label: 'Conversions',
      value: int.format(t.conversions),
      ...changeOf(t.conversions, p.conversions, cadence),
    },
    cr: { label: 'CR', value: t.clicks > 0 ? pct(crOf(t)) : '–', ...changeOf(crOf(t), crOf(p), cadence) },
    epc: {
      label: 'EPC',
      value: t.clicks > 0 ? formatMoneyFraction(epcMinor(t), cur) : '–',
      ...changeOf(epcMinor(t), epcMinor(p), cadence),
    },
    payout: { label: 'Payout', value: money(t.payout), ...payoutChange },
  };
  const unusual = d.unusual.map((u) => {
    const fmt = (v: number) => (u.metric === 'CR' ? pct(v) : formatMoneyFraction(v, cur));
    const dir = u.share > 0 ? 'above' : 'below';
    return `${u.campaign}: ${u.metric} was ${fmt(u.now)}, ${Math.round(Math.abs(u.share) * 100)} % ${dir} its usual ${fmt(u.usual)} (the ${d.period.cadence === 'daily' ? '4 days' : `4 ${noun}s`} before).`;
  });
  const pb = d.postbacks;
  const attempts = pb.delivered + pb.failed;
  const pbLines: string[] = [];
  for (const x of pb.disabled)
    pbLines.push(
      `Disabled: ${x.url}${x.reason ? ` (${x.reason})` : ''}. Set a working URL with "postback set" in the bot.`,
    );
  if (pb.lastFailure) {
    const lf = pb.lastFailure;
    pbLines.push(
      `Last failure: ${stamp(lf.at, d.partner.timezone)}, ${lf.statusCode ? `HTTP ${lf.statusCode}` : (lf.error ?? 'no answer')}.`,
    );
  }
  if (pb.pending > 0) pbLines.push(`${int.format(pb.pending)} still being retried.`);
  const b = d.balance;
  const schedule = links.schedule;
  const scheduleLine = schedule
    ? `You get this digest ${schedule.cadence === 'weekly' ? `every ${weekdayName(schedule.weekday)}` : schedule.cadence === 'daily' ? 'every day' : 'on the 1st of each month'} at ${String(schedule.hour).padStart(2, '0')}:00 ${d.partner.timezone}, because this address is set for your partner account.`
    : 'You asked for this digest in the bot.';
  return {
    lang: 'en',
    subject,
    preheader: hasTraffic
      ? `${int.format(t.clicks)} clicks, ${int.format(t.conversions)} conversions, CR ${kpi.cr.value}, EPC ${kpi.epc.value}. Balance ${money(b.available)}.`
      : `No clicks or conversions in ${label}. Balance ${money(b.available)}.`,
    title: `Your ${cadence} digest`,
    periodLabel: label,
    zoneLine: `Times in ${d.partner.timezone} · amounts in ${cur}`,
    greeting: `Hello ${d.partner.name},`,
    headline: hasTraffic
      ? `You earned ${money(t.payout)} from ${int.format(t.conversions)} conversion${t.conversions === 1 ? '' : 's'} on ${int.format(t.clicks)} clicks: ${payoutChange.change}.`
      : `No clicks or conversions were recorded in ${label}.`,
    hasTraffic,
    emptyNote: hasTraffic
      ? ''
      : `Nothing to compare this ${noun}, so this digest is short. Your tracking links are in the bot ("campaigns"); if you did send traffic, check that it uses them.`,
    kpi,
    hasChart: hasTraffic && links.hasChart,
    chartCid: links.chartCid,
    chartAlt: chartAlt(d),
    campaigns: d.campaigns.map((r) => rowView(r, cur)),
    hasCampaigns: d.campaigns.length > 0,
    countries: d.countries.map((r) => rowView({ ...r, label: r.label || 'Unknown' }, cur)),
    hasCountries: d.countries.length > 0,
    unusual,
    hasUnusual: unusual.length > 0,
    money: {
      available: money(b.available),
      pending: money(b.pending),
      nextDate: d.nextPayout.date,
      nextAmount: money(d.nextPayout.amount),
      minimum: money(b.minPayout),
      note: d.nextPayout.belowMinimum
        ? `Your available balance is below the minimum payout of ${money(b.minPayout)}; it carries over.`
        : `Paid on ${d.nextPayout.date} if your payment details are set ("paymethod" in the bot).`,
    },
    postbacks: {
      hasPostbacks: pb.configured > 0,
      summary:
        pb.configured === 0
          ? 'No postback set up: set one with "postback set" in the bot to get conversions in your tracker.'
          : attempts === 0
            ? `No conversions to send to your postback${pb.configured > 1 ? 's' : ''} in this ${noun}.`
            : `${pct((pb.delivered / attempts) * 100)} delivered (${int.format(pb.delivered)} of ${int.format(attempts)}).`,
      lines: pbLines,
    },
    bots: {
      hasBots: Boolean(links.telegramUrl || links.slackUrl),
      telegramUrl: links.telegramUrl ?? '',
      slackUrl: links.slackUrl ?? '',
      hasTelegram: Boolean(links.telegramUrl),
      hasSlack: Boolean(links.slackUrl),
    },
    scheduleLine,
    settingsLine:
      'Change the day, hour, frequency or address with "digest" in the bot (for example: digest weekly mon 9).',
    unsubscribeUrl: links.unsubscribeUrl,
    footer: 'partnerdesk · the partner programme in your chat and inbox',
  };
}

// One formatter per zone: constructing a DateTimeFormat costs far more than formatting with it.
const stampFormats = new LRUCache<string, Intl.DateTimeFormat>({ max: 500 });

function stamp(ms: number, tz: string): string {
  let f = stampFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    stampFormats.set(tz, f);
  }
  return f.format(ms);
}

/** Says what the chart shows for someone who cannot see it: the trend, the peak, the totals. */
export function chartAlt(d: DigestData): string {
  const s = d.series;
  const unit = d.period.cadence === 'daily' ? 'hour' : 'day';
  if (s.length === 0 || d.totals.clicks === 0) return `Chart: no clicks in ${periodLabel(d.period)}.`;
  const half = Math.floor(s.length / 2);
  const sum = (xs: typeof s) => xs.reduce((a, x) => a + x.clicks, 0);
  const first = sum(s.slice(0, half)) / Math.max(1, half);
  const second = sum(s.slice(half)) / Math.max(1, s.length - half);
  const trend = second > first * 1.15 ? 'rising' : second < first * 0.85 ? 'falling' : 'steady';
  const peak = s.reduce((a, x) => (x.clicks > a.clicks ? x : a));
  return `Chart of clicks and payout per ${unit}, ${periodLabel(d.period)}: clicks ${trend} over the period, peak ${int.format(peak.clicks)} on ${peak.label}; ${formatMoney(d.totals.payout, d.partner.currency)} payout in total.`;
}
