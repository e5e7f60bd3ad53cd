import { describe, expect, it } from 'vitest';
import { bold, reply, text } from '../core/reply.js';
import { planReply } from './render-reply.js';

const png = new Uint8Array([1, 2, 3]);

describe('planReply', () => {
  it('text then table share one message; the keyboard goes on the last call', () => {
    const planned = planReply(
      reply(
        [
          text([bold('Balance')]),
          { kind: 'table', columns: [{ title: 'a' }], rows: [['1']] },
          { kind: 'image', png, alt: 'chart' },
        ],
        [[{ label: 'More', action: 'balance:more' }]],
      ),
    );
    expect(planned.map((o) => o.kind)).toEqual(['message', 'photo']);
    expect(planned[0]).toEqual({ kind: 'message', html: '<b>Balance</b>\n\n<pre>a\n-\n1</pre>' });
    expect(planned[1]?.keyboard).toEqual({ inline_keyboard: [[{ text: 'More', callback_data: 'balance:more' }]] });
  });

  it('text after a picture starts a new message, so the order of blocks is kept', () => {
    const planned = planReply(reply([text('before'), { kind: 'image', png, alt: 'x' }, text('after')]));
    expect(planned.map((o) => (o.kind === 'message' ? o.html : o.kind))).toEqual(['before', 'photo', 'after']);
  });

  it('a caption over 1024 is cut, and the rest follows the picture as a message', () => {
    const lines = Array.from({ length: 80 }, (_, i) => [`caption line ${i} & more`]);
    const planned = planReply(
      reply([{ kind: 'file', filename: 'r.csv', mime: 'text/csv', data: png, caption: lines }]),
    );
    const [doc, ...rest] = planned;
    expect(doc?.kind).toBe('document');
    expect(doc && 'caption' in doc ? doc.caption?.length : 0).toBeLessThanOrEqual(1024);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((o) => o.kind === 'message')).toBe(true);
  });

  it('buttons alone still reach the partner', () => {
    const planned = planReply(reply([], [[{ label: 'Go', url: 'https://x.test' }]]));
    expect(planned).toHaveLength(1);
    expect(planned[0]?.keyboard).toEqual({ inline_keyboard: [[{ text: 'Go', url: 'https://x.test' }]] });
  });

  it('every picture and file carries the message sent in its place when Telegram refuses it', () => {
    const planned = planReply(
      reply([
        { kind: 'image_url', url: 'https://cdn.a.example/b.png?x=1&y=2', alt: 'Big <banner>', caption: [['300x250']] },
        { kind: 'image', png, alt: 'chart' },
        { kind: 'file', filename: 'r.csv', mime: 'text/csv', data: png },
      ]),
    );
    expect(planned.map((o) => (o.kind === 'message' ? '' : o.fallbackHtml))).toEqual([
      '300x250\nPicture: <a href="https://cdn.a.example/b.png?x=1&amp;y=2">Big &lt;banner&gt;</a>',
      '<i>(the picture &quot;chart&quot; could not be shown)</i>',
      '<i>(the file r.csv could not be sent)</i>',
    ]);
  });
});
