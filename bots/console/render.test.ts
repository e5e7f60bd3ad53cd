import { describe, expect, it } from 'vitest';
import { bold, reply, text } from '../core/reply.js';
import { renderReplies } from './render.js';

describe('console rendering', () => {
  const saved: string[] = [];
  const save = (name: string) => {
    saved.push(name);
    return `/tmp/x/${name}`;
  };

  it('prints text, aligned tables, saved files and numbered buttons', () => {
    const out = renderReplies(
      [
        reply(
          [
            text([bold('Report'), ' 7d']),
            {
              kind: 'table',
              columns: [{ title: 'geo' }, { title: 'clicks', align: 'right' }],
              rows: [
                ['DE', '1200'],
                ['US', '7'],
              ],
              totals: ['all', '1207'],
            },
            { kind: 'file', filename: 'report.csv', mime: 'text/csv', data: new Uint8Array([65]) },
          ],
          [
            [
              { label: 'Export CSV', action: 'report:csv' },
              { label: 'Docs', url: 'https://example.com' },
            ],
          ],
        ),
        reply([text('second')], [[{ label: 'Next', action: 'x:2' }]]),
      ],
      save,
    );
    expect(out.text.split('\n')).toEqual([
      'Report 7d',
      'geo  clicks',
      '---  ------',
      'DE     1200',
      'US        7',
      '---  ------',
      'all    1207',
      '[file: report.csv] saved to /tmp/x/report.csv',
      '[1] Export CSV   Docs: https://example.com',
      '',
      'second',
      '[2] Next',
    ]);
    expect(out.choices).toEqual(['report:csv', 'x:2']);
  });
});
