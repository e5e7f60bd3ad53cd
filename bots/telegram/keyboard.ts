import type { Button } from '../core/reply.js';

/** Telegram refuses the whole message when one button's callback_data is longer than this (in bytes). */
const CALLBACK_DATA_MAX_BYTES = 64;

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/**
 * Reply buttons -> an inline keyboard. A button whose action is over 64 bytes is left out and reported
 * through `onDropped`, not thrown: the partner still gets the answer and the rest of the keyboard, and the
 * log names the command that needs a shorter action.
 */
export function toInlineKeyboard(
  rows: Button[][] | undefined,
  onDropped: (button: Button, reason: string) => void = () => {},
): InlineKeyboard | undefined {
  if (!rows?.length) return undefined;
  const keyboard: InlineButton[][] = [];
  for (const row of rows) {
    const out: InlineButton[] = [];
    for (const b of row) {
      if ('url' in b) {
        out.push({ text: b.label, url: b.url });
        continue;
      }
      const bytes = Buffer.byteLength(b.action, 'utf8');
      if (bytes > CALLBACK_DATA_MAX_BYTES || bytes === 0) {
        onDropped(b, `callback_data must be 1-${CALLBACK_DATA_MAX_BYTES} bytes, "${b.action}" is ${bytes}`);
        continue;
      }
      out.push({ text: b.label, callback_data: b.action });
    }
    if (out.length) keyboard.push(out);
  }
  return keyboard.length ? { inline_keyboard: keyboard } : undefined;
}
