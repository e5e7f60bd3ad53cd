import type { AlertToPost } from '../../../src/app/managers/manager-alert-view.js';
import type { DailySummary } from '../../../src/app/managers/manager-daily-summary.js';
import { describeAttempt } from '../../../src/app/managers/manager-failing-endpoints.js';
import { change, localStamp, money } from '../../core/format.js';
import { actions, context, cut, esc, header, message, type SlackMessage, section, sectionsOf } from './block-kit.js';
import { failingLine, MANAGER_ACTIONS } from './command-views.js';

const TITLES = {
  failing: ':red_circle: Postback endpoint failing',
  paused: ':double_vertical_bar: Postback endpoint paused by the circuit breaker',
  disabled: ':black_circle: Postback disabled (410 Gone)',
  recovered: ':large_green_circle: Postback endpoint recovered',
} as const;

/** An alert for the manager channel: the root of an incident carries the buttons; follow-ups are short. */
export function alertView(a: AlertToPost, timezone: string): SlackMessage {
  const { alert, incident } = a;
  const pb = incident.postbackId;
  const who = `*${esc(a.partnerName)}* (#${a.partnerId ?? '?'}) · postback #${pb} \`${esc(a.endpoint || '?')}\``;
  const p = alert.payload;
  const detail: string[] = [];
  if (typeof p['reason'] === 'string') detail.push(esc(cut(p['reason'], 300)));
  if (typeof p['paused_until'] === 'number')
    detail.push(`paused until ${localStamp(p['paused_until'], timezone)} ${timezone}`);
  if (typeof p['status'] === 'number') detail.push(`HTTP ${p['status']}`);
  if (alert.kind !== 'recovered' && a.lastAttempt) {
    detail.push(
      `last attempt: ${esc(cut(describeAttempt(a.lastAttempt), 300))} at ${localStamp(a.lastAttempt.at, timezone)}`,
    );
  }
  const title = TITLES[alert.kind];
  const text = `${title.replace(/^:[a-z_]+: /, '')}: ${a.partnerName} postback #${pb} ${a.endpoint}`;
  const blocks = [section(`${title}\n${who}${detail.length ? `\n${detail.join(' · ')}` : ''}`)];
  if (alert.root) {
    const buttons = [];
    if (alert.kind !== 'disabled') {
      buttons.push({
        text: 'Replay dead deliveries',
        actionId: MANAGER_ACTIONS.replay,
        value: String(pb),
        style: 'primary' as const,
        confirm: { title: 'Replay?', text: `Send postback #${pb}'s dead deliveries again?`, confirm: 'Replay' },
      });
    }
    buttons.push({ text: 'Mute 24 h', actionId: MANAGER_ACTIONS.mute, value: String(pb) });
    buttons.push({ text: 'Open last attempt', actionId: MANAGER_ACTIONS.attempt, value: String(pb) });
    blocks.push(actions(buttons));
    blocks.push(
      context(
        `Follow-ups of this incident are posted in this thread. Opened ${localStamp(incident.openedAt, timezone)} ${timezone}.`,
      ),
    );
  }
  return message(text, blocks);
}

/**
 * The incident's first message once the incident is over: struck-through state, when it opened and closed,
 * and the buttons still useful afterwards (replay what died meanwhile, the last attempt).
 */
export function closedRootView(a: AlertToPost, timezone: string): SlackMessage {
  const { incident } = a;
  const pb = incident.postbackId;
  const recovered = a.alert.kind === 'recovered';
  const head = recovered
    ? ':white_check_mark: Resolved: postback endpoint recovered'
    : ':black_circle: Closed: postback disabled';
  const closedAt = incident.closedAt ?? a.alert.createdAt;
  const text = `${recovered ? 'Resolved' : 'Closed'}: ${a.partnerName} postback #${pb} ${a.endpoint}`;
  const buttons = [];
  if (recovered) {
    buttons.push({ text: 'Replay dead deliveries', actionId: MANAGER_ACTIONS.replay, value: String(pb) });
  }
  buttons.push({ text: 'Open last attempt', actionId: MANAGER_ACTIONS.attempt, value: String(pb) });
  return message(text, [
    section(
      `${head}\n*${esc(a.partnerName)}* (#${a.partnerId ?? '?'}) · postback #${pb} \`${esc(a.endpoint || '?')}\``,
    ),
    actions(buttons),
    context(
      `Opened ${localStamp(incident.openedAt, timezone)}, closed ${localStamp(closedAt, timezone)} ${timezone}. The story is in the thread.`,
    ),
  ]);
}

const vs = (cur: number, prev: number) => `_${change(cur, prev)}_`;

/** The morning summary: yesterday against the day before, top partners, failing endpoints. */
export function summaryView(s: DailySummary, timezone: string): SlackMessage {
  const blocks = [
    header(`Daily summary — ${s.day}`),
    context(`${s.yesterday.label} vs ${s.dayBefore.label}, ${timezone}`),
  ];
  for (const t of s.totals) {
    const c = t.current;
    const b = t.previous;
    blocks.push(
      section(s.totals.length > 1 ? `*${t.currency}*` : '*Yesterday*', [
        `*Clicks*\n${c.clicks} ${vs(c.clicks, b.clicks)}`,
        `*Conversions*\n${c.conversions} ${vs(c.conversions, b.conversions)}`,
        `*Payout*\n${money(c.payout, t.currency)} ${vs(c.payout, b.payout)}`,
        `*Revenue*\n${money(c.revenue ?? 0, t.currency)} ${vs(c.revenue ?? 0, b.revenue ?? 0)}`,
        `*Profit*\n${money(c.profit ?? 0, t.currency)} ${vs(c.profit ?? 0, b.profit ?? 0)}`,
      ]),
    );
  }
  const top = s.top.groups.flatMap((g) =>
    g.rows.map((r, i) => `${i + 1}. *${esc(r.label)}* — ${money(r.payout, g.currency)} payout, ${r.conversions} conv`),
  );
  blocks.push(...sectionsOf(['*Top partners*', ...(top.length ? top : ['_no partner traffic_'])]));
  const failing = s.failing.slice(0, 10).map((f) => failingLine(f, timezone));
  if (s.failing.length > 10) failing.push(`_… ${s.failing.length - 10} more: /pd failing_`);
  blocks.push(...sectionsOf(['*Failing endpoints*', ...(failing.length ? failing : [':large_green_circle: none'])]));
  const first = s.totals[0];
  const text = first
    ? `Daily summary ${s.day}: ${first.current.clicks} clicks, ${first.current.conversions} conversions, payout ${money(first.current.payout, first.currency)}`
    : `Daily summary ${s.day}`;
  return message(text, blocks);
}
