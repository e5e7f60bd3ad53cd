import type { Block, Inline, Line } from '../core/reply.js';

/**
 * Reply text -> Telegram HTML (parse_mode HTML). Telegram accepts only a few tags and rejects the whole
 * message on a stray `<` or `&`, so every piece of text a command produced is escaped here, never upstream.
 */

/** Escapes text for Telegram HTML: the three characters the Bot API requires (`"` too, for attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderInline(run: Inline): string {
  if (typeof run === 'string') return escapeHtml(run);
  if ('bold' in run) return `<b>${escapeHtml(run.bold)}</b>`;
  if ('italic' in run) return `<i>${escapeHtml(run.italic)}</i>`;
  if ('code' in run) return `<code>${escapeHtml(run.code)}</code>`;
  return `<a href="${escapeHtml(run.url)}">${escapeHtml(run.link)}</a>`;
}

export function renderLine(line: Line): string {
  return line.map(renderInline).join('');
}

export function renderLines(lines: Line[]): string {
  return lines.map(renderLine).join('\n');
}

type TableBlock = Extract<Block, { kind: 'table' }>;

/**
 * A table as monospace text inside <pre>: Telegram has no table markup, and a phone keeps columns aligned
 * only in a fixed-width font. Cells are padded to the widest value of their column.
 */
export function renderTable(table: TableBlock): string {
  const rows = [table.columns.map((c) => c.title), ...table.rows];
  if (table.totals) rows.push(table.totals);
  const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const fmt = (row: string[]) =>
    table.columns
      .map((col, i) => {
        const cell = row[i] ?? '';
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length));
        return col.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [fmt(rows[0] ?? []), rule, ...table.rows.map(fmt)];
  if (table.totals) out.push(rule, fmt(table.totals));
  return `<pre>${escapeHtml(out.join('\n'))}</pre>`;
}

/** Text and table blocks as one HTML string; blocks are separated by a blank line. */
export function renderTextBlocks(blocks: Block[]): string {
  return blocks
    .map((b) => (b.kind === 'text' ? renderLines(b.lines) : b.kind === 'table' ? renderTable(b) : ''))
    .filter((s) => s !== '')
    .join('\n\n');
}
