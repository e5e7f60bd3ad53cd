import { renderTable } from '../console/render.js';
import type { Block, Button, Line, Reply } from '../core/reply.js';
import { plainLine } from '../core/reply.js';
import { charLength, cut, LIMITS } from './block-limits.js';
import type { ActionsBlock, KnownBlock, SectionBlock, SlackButton, TableBlock } from './slack-types.js';

/**
 * The one renderer from the core's Reply to Block Kit. Every Slack limit is enforced here (blocks per message,
 * characters per text, button value and action_id lengths, one table per message and its size), cutting with
 * "… N more" rather than letting Slack refuse the message; the fallback `text` is always set. Pictures and files
 * never go into blocks: they become one files.uploadV2 call (several files, one message) into the user's DM.
 */

/** `pd:a:<n>` buttons carry a core action in their value; `pd:u:<n>` are links (Slack still sends an action). */
export const ACTION_PREFIX = 'pd:a:';
export const LINK_PREFIX = 'pd:u:';

export interface SlackFile {
  filename: string;
  title: string;
  data: Buffer;
  altText?: string;
}

export type SlackOutgoing =
  | { kind: 'message'; text: string; blocks: KnownBlock[] }
  | { kind: 'files'; files: SlackFile[]; comment: string };

export interface RenderOptions {
  /** Messages may hold a table block; views (modals, Home) may not, so tables fall back to monospace. */
  surface?: 'message' | 'view';
  /** Block budget (default 50 for a message). */
  maxBlocks?: number;
}

/** Slack mrkdwn needs only &, < and > escaped in text. */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Emphasis markers must touch the word: "*12.50 USD*" works, "* 12.50 USD *" does not; keep spaces outside. */
function wrap(s: string, mark: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(s);
  const [lead, body, trail] = [m?.[1] ?? '', m?.[2] ?? s, m?.[3] ?? ''];
  return body ? `${lead}${mark}${escapeMrkdwn(body)}${mark}${trail}` : s;
}

export function lineToMrkdwn(line: Line): string {
  return line
    .map((r) => {
      if (typeof r === 'string') return escapeMrkdwn(r);
      if ('bold' in r) return wrap(r.bold, '*');
      if ('italic' in r) return wrap(r.italic, '_');
      if ('code' in r) return r.code ? `\`${escapeMrkdwn(r.code.replace(/`/g, "'"))}\`` : '';
      return `<${r.url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(r.link.replace(/[|]/g, '/'))}>`;
    })
    .join('');
}

const section = (mrkdwn: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(mrkdwn, LIMITS.sectionText) },
});

/** Lines packed into sections of at most 3,000 characters each (a longer single line is cut). */
function packSections(lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = cut(raw, LIMITS.sectionText);
    const next = cur === '' ? line : `${cur}\n${line}`;
    if (charLength(next) > LIMITS.sectionText) {
      if (cur !== '') out.push(section(cur));
      cur = line;
    } else cur = next;
  }
  if (cur.trim() !== '') out.push(section(cur));
  return out;
}

type TableData = Extract<Block, { kind: 'table' }>;

/** A Block Kit table when it fits (rows, columns, characters); null when the monospace fallback is needed. */
export function tableBlock(t: TableData): TableBlock | null {
  const all = [t.columns.map((c) => c.title), ...t.rows, ...(t.totals ? [t.totals] : [])];
  if (all.length > LIMITS.tableRows || t.columns.length > LIMITS.tableColumns || t.columns.length === 0) return null;
  // Slack refuses empty cells; a dash reads as "nothing here" in every report we show.
  const cells = all.map((r) => t.columns.map((_, i) => (r[i] ?? '').trim() || '–'));
  const chars = cells.reduce((n, r) => n + r.reduce((m, c) => m + charLength(c), 0), 0);
  if (chars > LIMITS.tableChars) return null;
  return {
    type: 'table',
    column_settings: t.columns.map((c) => ({ align: c.align === 'right' ? 'right' : 'left', is_wrapped: false })),
    rows: cells.map((r) => r.map((text) => ({ type: 'raw_text' as const, text }))),
  };
}

/** The table as monospace text in ``` fences, split over sections at row boundaries. */
function monospaceTable(t: TableData): SectionBlock[] {
  const rows = renderTable(t).map((r) => escapeMrkdwn(r.replace(/`/g, "'")));
  const out: SectionBlock[] = [];
  let cur: string[] = [];
  const flush = () => {
    if (cur.length) out.push(section(`\`\`\`${cur.join('\n')}\`\`\``));
    cur = [];
  };
  for (const r of rows) {
    const row = cut(r, LIMITS.sectionText - 10);
    if (charLength([...cur, row].join('\n')) + 6 > LIMITS.sectionText) flush();
    cur.push(row);
  }
  flush();
  return out;
}

function buttonsBlocks(rows: Button[][] | undefined): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  let n = 0;
  for (const row of rows ?? []) {
    const elements: SlackButton[] = [];
    for (const b of row) {
      n += 1;
      const label = { type: 'plain_text' as const, text: cut(b.label || '…', LIMITS.buttonLabel), emoji: true };
      if ('url' in b) {
        if (charLength(b.url) > LIMITS.buttonUrl) continue;
        elements.push({ type: 'button', text: label, url: b.url, action_id: `${LINK_PREFIX}${n}` });
      } else {
        // An action that does not fit would run something else than the label says: drop the button instead.
        if (charLength(b.action) > LIMITS.buttonValue) continue;
        elements.push({ type: 'button', text: label, value: b.action, action_id: `${ACTION_PREFIX}${n}` });
      }
    }
    for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
      out.push({ type: 'actions', elements: elements.slice(i, i + LIMITS.actionsElements) });
    }
  }
  return out;
}

/** Plain text of a Reply for the notification/fallback `text`. */
export function fallbackText(reply: Reply): string {
  const parts: string[] = [];
  for (const b of reply.blocks) {
    if (b.kind === 'text') parts.push(...b.lines.map(plainLine));
    else if (b.kind === 'table') parts.push(b.columns.map((c) => c.title).join(' · '));
    else if (b.kind === 'image' || b.kind === 'image_url') parts.push(b.alt);
    else parts.push(b.filename);
  }
  const s = parts.join('\n').trim();
  return cut(s || 'partnerdesk', LIMITS.fallbackText);
}

/** Blocks of a Reply (no files), within the block budget: the tail is replaced by "… N more". */
export function replyBlocks(reply: Reply, opts: RenderOptions = {}): KnownBlock[] {
  const surface = opts.surface ?? 'message';
  const budget = opts.maxBlocks ?? LIMITS.blocksPerMessage;
  let tables = 0;
  const body: KnownBlock[] = [];
  for (const b of reply.blocks) {
    if (b.kind === 'text') body.push(...packSections(b.lines.map(lineToMrkdwn)));
    else if (b.kind === 'table') {
      const native = surface === 'message' && tables === 0 ? tableBlock(b) : null;
      if (native) {
        tables += 1;
        body.push(native);
      } else body.push(...monospaceTable(b));
    } else if (b.kind === 'image_url') {
      body.push({ type: 'image', image_url: b.url, alt_text: cut(b.alt || 'picture', LIMITS.imageAlt) });
      if (b.caption?.length) body.push(...packSections(b.caption.map(lineToMrkdwn)));
    }
  }
  const actions = buttonsBlocks(reply.buttons);
  // Buttons are what the partner acts on next: they are kept, and the text gives way.
  const room = Math.max(1, budget - Math.min(actions.length, budget - 1));
  let blocks = body;
  if (body.length > room) {
    const kept = body.slice(0, room - 1);
    const more = body.length - kept.length;
    blocks = [
      ...kept,
      { type: 'context', elements: [{ type: 'mrkdwn', text: `… ${more} more not shown (Slack's size limit)` }] },
    ];
  }
  return [...blocks, ...actions.slice(0, budget - blocks.length)];
}

/** Everything a Reply turns into: one message (text, table, buttons) and at most one files upload. */
export function planSlackReply(reply: Reply, opts: RenderOptions = {}): SlackOutgoing[] {
  const out: SlackOutgoing[] = [];
  const blocks = replyBlocks(reply, opts);
  if (blocks.length) out.push({ kind: 'message', text: fallbackText(reply), blocks });
  const files: SlackFile[] = [];
  const captions: string[] = [];
  for (const b of reply.blocks) {
    if (b.kind === 'image') {
      const name = `${(b.alt || 'chart').replace(/[^\w.-]+/g, '_').slice(0, 60)}.png`;
      files.push({ filename: name, title: cut(b.alt || 'chart', 250), data: Buffer.from(b.png), altText: b.alt });
      if (b.caption?.length) captions.push(...b.caption.map(plainLine));
    } else if (b.kind === 'file') {
      files.push({ filename: b.filename, title: b.filename, data: Buffer.from(b.data) });
      if (b.caption?.length) captions.push(...b.caption.map(plainLine));
    }
  }
  if (files.length) out.push({ kind: 'files', files, comment: cut(captions.join('\n'), LIMITS.sectionText) });
  return out;
}
