import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../src/http/slack-signature.js';
import { bold, code, link, reply, text } from '../core/reply.js';
import { lineToMrkdwn, planSlackReply, replyBlocks, tableBlock } from './render-blocks.js';

const json = (v: unknown) => JSON.stringify(v);

describe('Block Kit renderer', () => {
  it('escapes markup and keeps emphasis tight to the words', () => {
    expect(
      lineToMrkdwn(['A & <B> ', bold('12.50 USD '), code('x`y'), link('site', 'https://e.example/?a=1&b=2')]),
    ).toBe("A &amp; &lt;B&gt; *12.50 USD* `x'y`<https://e.example/?a=1&b=2|site>");
  });

  it('always sets a fallback text, and never a text over 3,000 characters', () => {
    const long = 'x'.repeat(7_000);
    const [msg] = planSlackReply(reply([text(long, 'after')]));
    expect(msg?.kind).toBe('message');
    if (msg?.kind !== 'message') return;
    expect(msg.text.length).toBeLessThanOrEqual(3_000);
    for (const b of msg.blocks) {
      if (b.type === 'section') expect([...(b.text?.text ?? '')].length).toBeLessThanOrEqual(3_000);
    }
    expect(json(msg.blocks)).toContain('after');
  });

  it('cuts at 50 blocks with "… N more", keeping the buttons', () => {
    const r = reply(
      Array.from({ length: 80 }, (_, i) => text('y'.repeat(2_900), `line ${i}`)),
      [[{ label: 'Next ›', action: 'campaigns:p:2' }]],
    );
    const blocks = replyBlocks(r);
    expect(blocks).toHaveLength(50);
    expect(json(blocks.at(-2))).toMatch(/… \d+ more/);
    expect(blocks.at(-1)?.type).toBe('actions');
  });

  it('drops a button whose value would not fit, and cuts labels to 75', () => {
    const blocks = replyBlocks(
      reply(
        [text('x')],
        [
          [
            { label: 'L'.repeat(100), action: 'a:1' },
            { label: 'big', action: 'z'.repeat(2_001) },
          ],
        ],
      ),
    );
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions && 'elements' in actions ? actions.elements : []).toHaveLength(1);
    expect(json(actions)).toContain(`${'L'.repeat(74)}…`);
  });

  it('tables: a table block when it fits (no empty cells), monospace when too big, one table per message', () => {
    const small = {
      kind: 'table' as const,
      columns: [{ title: 'Day' }, { title: 'Clicks', align: 'right' as const }],
      rows: [['2026-12-01', '']],
    };
    const t = tableBlock(small);
    expect(t?.rows[1]?.[1]).toEqual({ type: 'raw_text', text: '–' });
    const big = { ...small, rows: Array.from({ length: 150 }, (_, i) => [`d${i}`, String(i)]) };
    expect(tableBlock(big)).toBeNull();
    const two = replyBlocks(reply([small, small]));
    expect(two.filter((b) => b.type === 'table')).toHaveLength(1);
    expect(json(two)).toContain('```');
    expect(replyBlocks(reply([small]), { surface: 'view' }).some((b) => b.type === 'table')).toBe(false);
  });

  it('pictures and files become one upload of several files', () => {
    const plan = planSlackReply(
      reply([
        text('Report'),
        { kind: 'image', png: new Uint8Array([1, 2, 3]), alt: 'Clicks by day' },
        { kind: 'file', filename: 'report.csv', mime: 'text/csv', data: new Uint8Array([65]) },
      ]),
    );
    expect(plan.map((o) => o.kind)).toEqual(['message', 'files']);
    const files = plan[1];
    expect(files?.kind === 'files' ? files.files.map((f) => f.filename) : []).toEqual([
      'Clicks_by_day.png',
      'report.csv',
    ]);
  });
});

describe('Slack request signature', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  // Slack's documented example request.
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const ts = '1531420618';
  const sig = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  it('accepts Slack’s documented example and refuses a changed body, a stale time, a missing header', () => {
    expect(verifySlackSignature(secret, { signature: sig, timestamp: ts }, body, Number(ts) + 10)).toEqual({
      ok: true,
    });
    expect(verifySlackSignature(secret, { signature: sig, timestamp: ts }, `${body}x`, Number(ts)).ok).toBe(false);
    expect(verifySlackSignature(secret, { signature: sig, timestamp: ts }, body, Number(ts) + 301)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySlackSignature(secret, { signature: undefined, timestamp: ts }, body, Number(ts))).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
