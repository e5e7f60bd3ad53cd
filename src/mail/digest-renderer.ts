import type Mail from 'nodemailer/lib/mailer/index.js';
import type { DigestData } from '../app/digests/gather-digest-data.js';
import type { ChartSpec } from '../charts/index.js';
import type { Config } from '../config/index.js';
import { periodLabel } from '../domain/digest-schedule.js';
import type { Logger } from '../infra/logger.js';
import { composeDigest, type DigestKey, digestMessageId } from './compose-digest.js';
import type { DigestTemplate } from './digest-template.js';
import { renderDigestText } from './digest-text.js';
import { buildDigestView, type DigestView, type DigestViewLinks } from './digest-view.js';

/** Displayed 560 px wide in the mail; drawn at twice that so it is sharp on high-density screens. */
export const CHART_DISPLAY_WIDTH = 560;
const CHART_SIZE = { width: CHART_DISPLAY_WIDTH * 2, height: 600 };

export interface RenderedDigest {
  view: DigestView;
  html: string;
  text: string;
  message: Mail.Options;
  messageId: string;
  /** The chart as it is attached (cid and PNG), null when the digest has none. */
  chart: { cid: string; png: Uint8Array } | null;
}

export interface DigestRendererDeps {
  config: Pick<Config, 'mail' | 'publicUrl' | 'digests'>;
  template: DigestTemplate;
  /** The chart worker pool (src/charts, app.charts.render): the ~10 ms of CPU stays off this event loop. */
  renderChart: (spec: ChartSpec) => Promise<Uint8Array>;
  logger: Pick<Logger, 'warn'>;
}

export function chartSpecOf(d: DigestData): ChartSpec {
  return {
    kind: d.series.length > 1 ? 'line' : 'bar',
    title: `Clicks and payout per ${d.period.cadence === 'daily' ? 'hour' : 'day'}`,
    subtitle: `${periodLabel(d.period)}, ${d.partner.timezone}`,
    categories: d.series.map((s) => (d.period.cadence === 'daily' ? s.label.slice(11, 13) : shortDay(s.label))),
    series: [
      { name: 'Clicks', values: d.series.map((s) => s.clicks), format: 'int' },
      { name: `Payout (${d.partner.currency})`, values: d.series.map((s) => s.payout), format: 'money' },
    ],
    currency: d.partner.currency,
    ...CHART_SIZE,
  };
}

// Built once: a DateTimeFormat costs ~0.15 ms to construct, seven per digest (bench:digest --profile).
const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2026-11-23" -> "Mon 23". */
function shortDay(label: string): string {
  const t = Date.parse(`${label}T12:00:00Z`);
  if (Number.isNaN(t)) return label;
  return SHORT_DAY.format(t);
}

/** Turns a digest's figures into the message: view, chart (worker pool), HTML (filled), text, headers. */
export async function renderDigest(
  deps: DigestRendererDeps,
  data: DigestData,
  key: DigestKey,
  opts: { to: string; unsubscribeUrl: string; schedule: DigestViewLinks['schedule'] },
): Promise<RenderedDigest> {
  const cid = `chart.${key.partnerId}.${key.periodStart}@partnerdesk`;
  const hasTraffic = data.totals.clicks > 0 || data.totals.conversions > 0;
  let png: Uint8Array | null = null;
  if (hasTraffic) {
    try {
      png = await deps.renderChart(chartSpecOf(data));
    } catch (err) {
      // A digest without its chart beats no digest: the figures and tables say the same.
      deps.logger.warn({ err: (err as Error).message, event: 'digest.chart_failed' }, 'digest chart failed');
    }
  }
  const view = buildDigestView(data, {
    unsubscribeUrl: opts.unsubscribeUrl,
    telegramUrl: deps.config.digests.telegramUrl,
    slackUrl: deps.config.digests.slackUrl,
    schedule: opts.schedule,
    chartCid: cid,
    hasChart: png !== null,
  });
  const html = deps.template.render(view);
  const text = renderDigestText(view);
  const messageId = digestMessageId(key, deps.config.publicUrl);
  const chart = png && view.hasChart ? { cid, png } : null;
  const message = composeDigest({
    from: deps.config.mail.from,
    to: opts.to,
    replyTo: deps.config.mail.replyTo,
    subject: view.subject,
    html,
    text,
    messageId,
    unsubscribeUrl: opts.unsubscribeUrl,
    chart,
  });
  return { view, html, text, message, messageId, chart };
}
