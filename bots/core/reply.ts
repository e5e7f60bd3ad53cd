/**
 * The platform-neutral answer of a bot command. Commands build Replies; adapters (Telegram, Slack, console)
 * render them: HTML for Telegram, Block Kit for Slack, plain text for a terminal. No platform types here.
 */

/** A run of inline text. Adapters escape `text` for their markup; commands never write markup themselves. */
export type Inline = string | { bold: string } | { italic: string } | { code: string } | { link: string; url: string };

/** One line of text made of inline runs. */
export type Line = Inline[];

export interface TableColumn {
  title: string;
  align?: 'left' | 'right';
}

export type Block =
  | { kind: 'text'; lines: Line[] }
  /** Monospace table; adapters fall back to a list when a platform cannot fit it. */
  | { kind: 'table'; columns: TableColumn[]; rows: string[][]; totals?: string[] }
  /** A PNG picture (charts, creatives). */
  | { kind: 'image'; png: Uint8Array; alt: string; caption?: Line[] }
  /** A PNG picture that lives at a URL (creatives hosted by the advertiser). */
  | { kind: 'image_url'; url: string; alt: string; caption?: Line[] }
  /** A file to download (CSV exports). */
  | { kind: 'file'; filename: string; mime: string; data: Uint8Array; caption?: Line[] };

/**
 * A button either runs an action (`action` is opaque, at most 64 bytes: Telegram's callback_data limit, so
 * keep it short like "report:csv:7d:geo") or opens a URL.
 */
export type Button = { label: string; action: string } | { label: string; url: string };

export interface Reply {
  blocks: Block[];
  /** Rows of buttons under the reply. */
  buttons?: Button[][];
}

/** Small builders so commands read like the message they send. */
export const text = (...lines: (Line | string)[]): Block => ({
  kind: 'text',
  lines: lines.map((l) => (typeof l === 'string' ? [l] : l)),
});
export const bold = (s: string): Inline => ({ bold: s });
export const italic = (s: string): Inline => ({ italic: s });
export const code = (s: string): Inline => ({ code: s });
export const link = (label: string, url: string): Inline => ({ link: label, url });
export const reply = (blocks: Block[], buttons?: Button[][]): Reply => (buttons ? { blocks, buttons } : { blocks });

/** Plain text of a line, for logs, tests and the console adapter. */
export function plainLine(line: Line): string {
  return line
    .map((r) =>
      typeof r === 'string'
        ? r
        : 'bold' in r
          ? r.bold
          : 'italic' in r
            ? r.italic
            : 'code' in r
              ? r.code
              : `${r.link} (${r.url})`,
    )
    .join('');
}
