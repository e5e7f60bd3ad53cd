import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Block, type Line, plainLine, type Reply } from '../core/reply.js';

/** Where pictures and files of a reply go, since a terminal cannot show them; returns the path written. */
export type SaveFile = (filename: string, data: Uint8Array) => string;

export interface RenderedReplies {
  text: string;
  /** Button actions by number: choices[0] is what typing "1" runs. */
  choices: string[];
}

/** Saves under `dir` (DATA_DIR/console), prefixed with a timestamp so replies never overwrite each other. */
export function fileSaver(dir: string, now: () => number = Date.now): SaveFile {
  let n = 0;
  return (filename, data) => {
    mkdirSync(dir, { recursive: true });
    // Shorten the name but keep its extension, so the saved chart still opens as a .png.
    const ext = path
      .extname(filename)
      .replace(/[^\w.]+/g, '')
      .slice(0, 10);
    const stem =
      path
        .basename(filename, path.extname(filename))
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 60) || 'file';
    const safe = stem + ext;
    n += 1;
    const p = path.join(dir, `${now()}-${n}-${safe}`);
    writeFileSync(p, data);
    return p;
  };
}

/** Columns padded to their widest cell (numbers right-aligned where asked), a rule under the header. */
export function renderTable(b: Extract<Block, { kind: 'table' }>): string[] {
  const all = [b.columns.map((c) => c.title), ...b.rows, ...(b.totals ? [b.totals] : [])];
  const widths = b.columns.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const fmt = (r: string[]) =>
    b.columns
      .map((c, i) => {
        const cell = r[i] ?? '';
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length));
        return c.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [fmt(all[0] ?? []), rule, ...b.rows.map(fmt)];
  if (b.totals) out.push(rule, fmt(b.totals));
  return out;
}

const captionOf = (c: Line[] | undefined) => (c?.length ? c.map(plainLine) : []);

function renderBlock(b: Block, save: SaveFile): string[] {
  switch (b.kind) {
    case 'text':
      return b.lines.map(plainLine);
    case 'table':
      return renderTable(b);
    case 'image':
      return [`[picture: ${b.alt}] saved to ${save(`${b.alt}.png`, b.png)}`, ...captionOf(b.caption)];
    case 'image_url':
      return [`[picture: ${b.alt}] ${b.url}`, ...captionOf(b.caption)];
    case 'file':
      return [`[file: ${b.filename}] saved to ${save(b.filename, b.data)}`, ...captionOf(b.caption)];
    default:
      return [];
  }
}

/**
 * Plain text of a batch of replies. Action buttons become numbered choices counted across the whole batch,
 * so "[3]" means the same button wherever it appears; URL buttons are printed as links.
 */
export function renderReplies(replies: Reply[], save: SaveFile): RenderedReplies {
  const choices: string[] = [];
  const parts: string[] = [];
  for (const r of replies) {
    const lines = r.blocks.flatMap((b) => renderBlock(b, save));
    const buttons: string[] = [];
    for (const row of r.buttons ?? []) {
      const cells = row.map((btn) => {
        if ('url' in btn) return `${btn.label}: ${btn.url}`;
        choices.push(btn.action);
        return `[${choices.length}] ${btn.label}`;
      });
      buttons.push(cells.join('   '));
    }
    parts.push([...lines, ...buttons].join('\n'));
  }
  return { text: parts.join('\n\n'), choices };
}
