/**
 * Splits Telegram HTML into pieces the Bot API accepts: a message text is at most 4096 characters and a
 * caption at most 1024. A piece is cut at the last line break that fits (else the last space, else anywhere
 * between characters), never inside a tag or an entity; tags open at the cut are closed at the end of the
 * piece and re-opened at the start of the next, so a long <pre> table stays monospace on both sides.
 * Lengths are counted on the HTML itself, which is never shorter than the text Telegram counts.
 */

export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

interface OpenTag {
  name: string;
  /** The opening tag as written, attributes included, to re-open it in the next piece. */
  raw: string;
}

const TOKEN = /<[^>]*>|&#?[a-zA-Z0-9]+;|[\s\S]/gu;

function closers(stack: OpenTag[]): string {
  return stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join('');
}

function openers(stack: OpenTag[]): string {
  return stack.map((t) => t.raw).join('');
}

function applyTag(stack: OpenTag[], tag: string): OpenTag[] {
  const m = /^<(\/?)([a-zA-Z0-9-]+)/.exec(tag);
  if (!m?.[2]) return stack;
  const name = m[2].toLowerCase();
  if (m[1] === '/') {
    const i = stack.map((t) => t.name).lastIndexOf(name);
    return i === -1 ? stack : stack.slice(0, i);
  }
  return [...stack, { name, raw: tag }];
}

interface Cut {
  /** Index in `rest` where the piece ends. */
  at: number;
  /** Index in `rest` where the next piece starts (skips the line break or space cut at). */
  next: number;
  stack: OpenTag[];
}

/** Finds where to end a piece that starts with `prefix` (re-opened tags) followed by `rest`. */
function findCut(prefix: string, start: OpenTag[], rest: string, limit: number): Cut {
  let stack = start;
  let pos = 0;
  let visible = false;
  let newline: Cut | null = null;
  let space: Cut | null = null;
  let last: Cut | null = null;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(rest); m; m = TOKEN.exec(rest)) {
    const tok = m[0];
    const isTag = tok.startsWith('<') && tok.length > 1;
    const before = { at: pos, stack };
    // A cut before this token: must the piece (plus the closing tags it needs) still fit?
    if (prefix.length + pos + closers(stack).length <= limit) {
      if (visible && (tok === '\n' || tok === ' ')) {
        const cut = { ...before, next: pos + 1 };
        if (tok === '\n') newline = cut;
        else space = cut;
      }
      if (visible) last = { ...before, next: pos };
    } else {
      break;
    }
    if (isTag) stack = applyTag(stack, tok);
    else if (tok.trim() !== '') visible = true;
    pos += tok.length;
  }
  const best = newline ?? space ?? last;
  if (best) return best;
  // Not even one visible character fits next to the re-opened tags: take one token anyway so we progress.
  TOKEN.lastIndex = 0;
  const first = TOKEN.exec(rest)?.[0] ?? rest;
  return { at: first.length, next: first.length, stack: first.startsWith('<') ? applyTag(start, first) : start };
}

/** Pieces of `html`, each at most `limit` characters with balanced tags. */
export function splitHtml(html: string, limit: number = MESSAGE_LIMIT): string[] {
  const pieces: string[] = [];
  let stack: OpenTag[] = [];
  let rest = html;
  for (;;) {
    const prefix = openers(stack);
    if (prefix.length + rest.length <= limit) {
      pushPiece(pieces, prefix + rest);
      return pieces;
    }
    const cut = findCut(prefix, stack, rest, limit);
    pushPiece(pieces, prefix + rest.slice(0, cut.at) + closers(cut.stack));
    stack = cut.stack;
    rest = rest.slice(cut.next);
  }
}

function pushPiece(pieces: string[], piece: string): void {
  // A piece of nothing but tags and blanks (say "<pre></pre>") would be refused as an empty message.
  if (piece.replace(/<[^>]*>/g, '').trim() !== '') pieces.push(piece);
}

/**
 * A caption and what did not fit in it: the caption goes with the photo or file, the overflow follows as
 * ordinary messages.
 */
export function splitCaption(html: string): { caption: string | undefined; overflow: string[] } {
  if (html.trim() === '') return { caption: undefined, overflow: [] };
  if (html.length <= CAPTION_LIMIT) return { caption: html, overflow: [] };
  const [caption, ...more] = splitHtml(html, CAPTION_LIMIT);
  return { caption, overflow: more.length ? splitHtml(more.join('\n'), MESSAGE_LIMIT) : [] };
}
