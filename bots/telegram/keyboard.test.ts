import { describe, expect, it } from 'vitest';
import type { Button } from '../core/reply.js';
import { toInlineKeyboard } from './keyboard.js';

describe('toInlineKeyboard', () => {
  it('maps action buttons to callback_data and link buttons to url, row by row', () => {
    expect(
      toInlineKeyboard([
        [
          { label: 'CSV', action: 'report:csv:7d:geo' },
          { label: 'Docs', url: 'https://x.test/?a=1&b=2' },
        ],
        [{ label: 'Next', action: 'campaigns:page:2' }],
      ]),
    ).toEqual({
      inline_keyboard: [
        [
          { text: 'CSV', callback_data: 'report:csv:7d:geo' },
          { text: 'Docs', url: 'https://x.test/?a=1&b=2' },
        ],
        [{ text: 'Next', callback_data: 'campaigns:page:2' }],
      ],
    });
  });

  it('enforces 64 bytes of callback_data (counted in UTF-8 bytes) by leaving the button out and reporting it', () => {
    const dropped: string[] = [];
    const ok = 'x'.repeat(64);
    const tooLong = 'ü'.repeat(33); // 33 characters, 66 bytes
    const kb = toInlineKeyboard(
      [
        [
          { label: 'ok', action: ok },
          { label: 'long', action: tooLong },
        ],
        [{ label: 'alone', action: 'y'.repeat(65) }],
      ],
      (b: Button, reason) => dropped.push(`${b.label}: ${reason}`),
    );
    expect(kb).toEqual({ inline_keyboard: [[{ text: 'ok', callback_data: ok }]] });
    expect(dropped).toHaveLength(2);
    expect(dropped[0]).toContain('66');
  });

  it('no buttons, no keyboard', () => {
    expect(toInlineKeyboard(undefined)).toBeUndefined();
    expect(toInlineKeyboard([])).toBeUndefined();
  });
});
