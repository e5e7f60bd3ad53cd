import { type Block, type Button, italic, type Line, link, type Reply } from '../core/reply.js';
import { type InlineKeyboard, toInlineKeyboard } from './keyboard.js';
import { renderLines, renderTextBlocks } from './render-html.js';
import { MESSAGE_LIMIT, splitCaption, splitHtml } from './split-message.js';

/**
 * One Bot API call a Reply turns into, in order. A picture or file carries `fallbackHtml`: the message sent
 * in its place when Telegram refuses it (it cannot fetch a creative's URL, the PNG is refused ...), so the
 * partner still gets its caption, a link to the picture, and the buttons that rode on it.
 */
export type Outgoing =
  | { kind: 'message'; html: string; keyboard?: InlineKeyboard }
  | {
      kind: 'photo';
      photo: { png: Uint8Array } | { url: string };
      caption?: string;
      fallbackHtml: string;
      keyboard?: InlineKeyboard;
    }
  | {
      kind: 'document';
      filename: string;
      data: Uint8Array;
      caption?: string;
      fallbackHtml: string;
      keyboard?: InlineKeyboard;
    };

/**
 * Plans the messages of a Reply: neighbouring text and table blocks share one message when they fit (else
 * they are split under 4096), pictures and files go one per call with their caption (overflow follows as
 * messages), and the keyboard rides on the last message so it sits under the whole answer.
 */
export function planReply(reply: Reply, onDropped?: (button: Button, reason: string) => void): Outgoing[] {
  const out: Outgoing[] = [];
  let textRun: Block[] = [];
  const flushText = () => {
    if (!textRun.length) return;
    for (const html of splitHtml(renderTextBlocks(textRun), MESSAGE_LIMIT)) out.push({ kind: 'message', html });
    textRun = [];
  };
  const media = (
    captionLines: Line[] | undefined,
    instead: Line,
    make: (caption: string | undefined, fallbackHtml: string) => Outgoing,
  ) => {
    const { caption, overflow } = splitCaption(captionLines ? renderLines(captionLines) : '');
    out.push(make(caption, caption ? `${caption}\n${renderLines([instead])}` : renderLines([instead])));
    for (const html of overflow) out.push({ kind: 'message', html });
  };
  for (const block of reply.blocks) {
    switch (block.kind) {
      case 'text':
      case 'table':
        textRun.push(block);
        break;
      case 'image':
        flushText();
        media(block.caption, [italic(`(the picture "${block.alt}" could not be shown)`)], (caption, fallbackHtml) =>
          withCaption({ kind: 'photo', photo: { png: block.png }, fallbackHtml }, caption),
        );
        break;
      case 'image_url':
        flushText();
        media(block.caption, ['Picture: ', link(block.alt, block.url)], (caption, fallbackHtml) =>
          withCaption({ kind: 'photo', photo: { url: block.url }, fallbackHtml }, caption),
        );
        break;
      case 'file':
        flushText();
        media(block.caption, [italic(`(the file ${block.filename} could not be sent)`)], (caption, fallbackHtml) =>
          withCaption({ kind: 'document', filename: block.filename, data: block.data, fallbackHtml }, caption),
        );
        break;
    }
  }
  flushText();
  const keyboard = toInlineKeyboard(reply.buttons, onDropped);
  if (keyboard) {
    const last = out.at(-1);
    // Buttons with nothing to hang on (an empty reply) still need a message to carry them.
    if (last) last.keyboard = keyboard;
    else out.push({ kind: 'message', html: '👇', keyboard });
  }
  return out;
}

function withCaption<T extends Outgoing>(o: T, caption: string | undefined): T {
  return caption === undefined ? o : { ...o, caption };
}
