/**
 * Minimal Block Kit builders for the manager channel, each cutting to Slack's limits instead of failing:
 * 50 blocks a message, 3,000 characters a section text, 2,000 a field, 150 a header, 2,000 a button value,
 * 255 an action_id. Every message also carries a plain `text`, which Slack shows in notifications and
 * screen readers read.
 */

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is a wide union; Slack validates it, the tests assert it
export type SlackBlock = Record<string, any>;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export const LIMITS = { blocks: 50, section: 3000, field: 2000, header: 150, value: 2000, actionId: 255, fields: 10 };

/** Escapes what mrkdwn treats as markup in user data (names, URLs, error messages). */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: cut(text, LIMITS.header), emoji: true },
});

export const section = (mrkdwn: string, fields?: string[]): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(mrkdwn, LIMITS.section) },
  ...(fields && fields.length > 0
    ? { fields: fields.slice(0, LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: cut(f, LIMITS.field) })) }
    : {}),
});

export const context = (...parts: string[]): SlackBlock => ({
  type: 'context',
  elements: parts.slice(0, 10).map((p) => ({ type: 'mrkdwn', text: cut(p, LIMITS.field) })),
});

export const divider = (): SlackBlock => ({ type: 'divider' });

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string };
}

export const actions = (buttons: ButtonSpec[]): SlackBlock => ({
  type: 'actions',
  elements: buttons.slice(0, 25).map((b) => ({
    type: 'button',
    text: { type: 'plain_text', text: cut(b.text, 75), emoji: true },
    action_id: cut(b.actionId, LIMITS.actionId),
    ...(b.value !== undefined ? { value: cut(b.value, LIMITS.value) } : {}),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: cut(b.confirm.title, 100) },
            text: { type: 'mrkdwn', text: cut(b.confirm.text, 300) },
            confirm: { type: 'plain_text', text: cut(b.confirm.confirm, 30) },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }
      : {}),
  })),
});

/** A message: at most 50 blocks, the last one saying how many were left out. */
export function message(text: string, blocks: SlackBlock[]): SlackMessage {
  if (blocks.length <= LIMITS.blocks) return { text: cut(text, 3000), blocks };
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return { text: cut(text, 3000), blocks: [...kept, context(`… ${blocks.length - kept.length} more not shown`)] };
}

/** Lines into as few sections as fit 3,000 characters each, so a long list is never cut mid-line. */
export function sectionsOf(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let cur = '';
  for (const l of lines) {
    const next = cur === '' ? l : `${cur}\n${l}`;
    if (next.length > LIMITS.section && cur !== '') {
      out.push(section(cur));
      cur = l;
    } else cur = next;
  }
  if (cur !== '') out.push(section(cur));
  return out;
}
