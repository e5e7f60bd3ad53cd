import type { AttemptDetail } from '../../../src/app/managers/manager-alert-actions.js';
import type { FailingEndpoint } from '../../../src/app/managers/manager-failing-endpoints.js';
import { describeAttempt } from '../../../src/app/managers/manager-failing-endpoints.js';
import type { PartnerOverview } from '../../../src/app/managers/manager-partner-overview.js';
import type { TopPartners } from '../../../src/app/managers/manager-top-partners.js';
import type { ReportMetrics } from '../../../src/domain/report-math.js';
import { change, localStamp, money, periodLabel } from '../../core/format.js';
import { actions, context, cut, esc, header, message, type SlackMessage, section, sectionsOf } from './block-kit.js';

/** What the manager commands answer with, as Block Kit. Figures name their period and zone. */

/** Button action ids of the manager side: `mgr:` so the partner side's `pd:` listeners never see them. */
export const MANAGER_ACTIONS = {
  replay: 'mgr:replay',
  mute: 'mgr:mute',
  attempt: 'mgr:attempt',
} as const;

export const MANAGER_HELP = [
  '`/pd partner ID|email` — profile, balance, 7-day figures, linked chats, postback health',
  '`/pd linkcode PARTNER` — a single-use link code (only you see it)',
  '`/pd top [period]` — top partners (today, yesterday, 7d, 30d, mtd, last week, 2026-11-01..2026-11-15)',
  '`/pd failing` — postback endpoints failing now, with the last error',
  "`/pd replay POSTBACK_ID` — send a postback's dead deliveries again (same {postback_id})",
  '`/pd manager` — this list',
];

export function helpView(): SlackMessage {
  return message('Manager commands', [section(`*Manager commands*\n${MANAGER_HELP.join('\n')}`)]);
}

export function refusalView(reason: string): SlackMessage {
  return message(reason, [section(`:no_entry: ${reason}`)]);
}

export function errorView(text: string): SlackMessage {
  return message(text, [section(`:warning: ${esc(text)}`)]);
}

function figures(m: ReportMetrics, before: ReportMetrics | null, currency: string): string[] {
  const vs = (a: number, b: number | undefined) => (before ? `  _${change(a, b ?? 0)}_` : '');
  return [
    `*Clicks*\n${m.clicks}${vs(m.clicks, before?.clicks)}`,
    `*Conversions*\n${m.conversions}${vs(m.conversions, before?.conversions)}`,
    `*Payout*\n${money(m.payout, currency)}${vs(m.payout, before?.payout)}`,
    `*Revenue*\n${money(m.revenue ?? 0, currency)}${vs(m.revenue ?? 0, before?.revenue)}`,
    `*Profit*\n${money(m.profit ?? 0, currency)}${vs(m.profit ?? 0, before?.profit)}`,
  ];
}

const HEALTH_ICON = {
  ok: ':large_green_circle:',
  failing: ':red_circle:',
  disabled: ':black_circle:',
  idle: ':white_circle:',
};

export function overviewView(o: PartnerOverview): SlackMessage {
  const p = o.partner;
  const c = p.currency;
  const tz = p.timezone;
  const chats =
    o.chats.length === 0
      ? '_not linked in any chat_ — `/pd linkcode ' + p.id + '` gives them a code'
      : o.chats
          .map(
            (ch) =>
              `${ch.platform} ${ch.platform === 'slack' ? `<@${esc(ch.userId)}>` : esc(ch.userId)}${ch.notify ? ' (notify on)' : ''}`,
          )
          .join(', ');
  const pbLines =
    o.postbacks.length === 0
      ? ['_no postback set_']
      : o.postbacks.map((pb) => {
          const k = pb.counts;
          const last = pb.lastAttempt
            ? `last ${describeAttempt(pb.lastAttempt)} at ${localStamp(pb.lastAttempt.at, tz)}`
            : 'no attempt yet';
          const why = pb.disabledReason ? ` — disabled: ${esc(cut(pb.disabledReason, 120))}` : '';
          return `${HEALTH_ICON[pb.health]} #${pb.postbackId} \`${esc(pb.endpoint)}\` ${k.delivered} delivered, ${k.retrying} retrying, ${k.dead} dead (7d); ${esc(last)}${why}`;
        });
  const blocks = [
    header(`${p.name} (#${p.id})`),
    section(
      `${esc(p.email)}${p.company ? ` · ${esc(p.company)}` : ''}\nstatus *${p.status}* · ${c} · ${tz} · since ${localStamp(p.created_at, tz).slice(0, 10)}`,
    ),
    section('*Balance*', [
      `*Available*\n${money(o.balance.available, c)}`,
      `*Pending*\n${money(o.balance.pending, c)}`,
      `*Paid*\n${money(o.balance.paid, c)}`,
      `*Referral*\n${money(o.balance.referral, c)}`,
    ]),
    section(`*${esc(periodLabel(o.period))}* vs the 7 days before`, figures(o.current, o.previous, c)),
    section(`*Linked chats*\n${chats}`),
    ...sectionsOf([`*Postbacks*`, ...pbLines]),
  ];
  return message(`${p.name} (#${p.id}): ${money(o.balance.available, c)} available`, blocks);
}

export function linkCodeView(partner: { id: number; name: string }, code: string, expiresAt: number): SlackMessage {
  const text = `Link code for ${partner.name} (#${partner.id}): ${code}`;
  return message(text, [
    section(`:key: Link code for *${esc(partner.name)}* (#${partner.id}): \`${code}\``),
    context(
      `Single use, valid until ${localStamp(expiresAt, 'UTC')} UTC. The partner sends \`/pd link ${code}\` in Slack or \`/link ${code}\` in Telegram. Only you can see this.`,
    ),
  ]);
}

export function topView(t: TopPartners): SlackMessage {
  const blocks = [header(`Top partners — ${t.period.label}`), context(esc(periodLabel(t.period)))];
  for (const g of t.groups) {
    if (g.rows.length === 0) {
      blocks.push(section(`_No partner traffic in ${g.currency} in this period._`));
      continue;
    }
    const lines = g.rows.map(
      (r, i) =>
        `${i + 1}. *${esc(r.label)}* (#${esc(r.key)}) — payout ${money(r.payout, g.currency)} · ${r.conversions} conv · ${r.clicks} clicks · profit ${money(r.profit ?? 0, g.currency)}`,
    );
    if (t.groups.length > 1) lines.unshift(`*${g.currency}*`);
    if (g.totalPartners > g.rows.length) lines.push(`_… ${g.totalPartners - g.rows.length} more partners_`);
    blocks.push(...sectionsOf(lines));
  }
  const first = t.groups[0]?.rows[0];
  return message(
    first ? `Top partners ${t.period.label}: ${first.label} first` : `Top partners ${t.period.label}: none`,
    blocks,
  );
}

export function failingLine(f: FailingEndpoint, timezone: string): string {
  const state =
    f.state === 'paused'
      ? `paused until ${localStamp(f.pausedUntil ?? 0, timezone)}`
      : f.state === 'disabled'
        ? `disabled${f.disabledReason ? ` (${esc(cut(f.disabledReason, 100))})` : ''}`
        : 'failing';
  const last = f.lastAttempt
    ? `${describeAttempt(f.lastAttempt)} at ${localStamp(f.lastAttempt.at, timezone)}`
    : 'no attempt yet';
  return `:red_circle: *${esc(f.partnerName)}* (#${f.partnerId}) postback #${f.postbackId} \`${esc(f.endpoint)}\` — ${state}; ${f.retrying} retrying, ${f.dead} dead (24h); last: ${esc(cut(last, 300))}`;
}

export function failingView(list: FailingEndpoint[], timezone: string): SlackMessage {
  if (list.length === 0) {
    return message('No postback endpoint is failing now', [
      section(':large_green_circle: No postback endpoint is failing now.'),
    ]);
  }
  const blocks = [header(`${list.length} postback endpoint${list.length === 1 ? '' : 's'} failing`)];
  for (const f of list.slice(0, 15)) {
    blocks.push(section(failingLine(f, timezone)));
    const buttons = [];
    if (f.dead > 0 && f.state !== 'disabled') {
      buttons.push({
        text: `Replay ${f.dead} dead`,
        actionId: MANAGER_ACTIONS.replay,
        value: String(f.postbackId),
        style: 'primary' as const,
      });
    }
    buttons.push({ text: 'Last attempt', actionId: MANAGER_ACTIONS.attempt, value: String(f.postbackId) });
    blocks.push(actions(buttons));
  }
  if (list.length > 15) blocks.push(context(`… ${list.length - 15} more`));
  blocks.push(context(`Times in ${timezone}. Replay sends dead deliveries again with the same {postback_id}.`));
  return message(`${list.length} postback endpoint(s) failing`, blocks);
}

export function replayView(r: { postbackId: number; partnerId: number; count: number }, by: string): SlackMessage {
  const text =
    r.count === 0
      ? `Postback #${r.postbackId} has no dead deliveries to replay`
      : `<@${by}> replayed ${r.count} dead deliveries of postback #${r.postbackId} (partner #${r.partnerId})`;
  return message(text, [section(`:repeat: ${text}; each keeps its {postback_id}.`)]);
}

export function attemptView(a: AttemptDetail, timezone: string): SlackMessage {
  const outcome = a.errorClass
    ? `${a.errorClass}${a.errorMessage ? `: ${a.errorMessage}` : ''}`
    : `HTTP ${a.statusCode ?? '—'}`;
  const snippet = a.responseSnippet ? `\n\`\`\`${esc(cut(a.responseSnippet, 1000))}\`\`\`` : '';
  return message(`Last attempt of postback #${a.postbackId}: ${outcome}`, [
    section(
      `*Last attempt of postback #${a.postbackId}* (delivery #${a.deliveryId ?? '—'}) at ${localStamp(a.at, timezone)} ${timezone}\n${a.method} \`${esc(cut(a.url, 1500))}\`\n${esc(outcome)} in ${a.durationMs} ms${snippet}`,
    ),
  ]);
}
