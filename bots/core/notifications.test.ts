import { describe, expect, it } from 'vitest';
import type { ConversionLine } from '../../src/app/chat/notification-view.js';
import { renderNotification } from './notifications.js';
import { plainLine, type Reply } from './reply.js';

const plain = (r: Reply) => r.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(plainLine) : [])).join('\n');

const line = (over: Partial<ConversionLine> = {}): ConversionLine => ({
  conversionId: 1,
  event: 'created',
  status: 'approved',
  fromStatus: null,
  payout: 5000,
  currency: 'USD',
  type: 'Deposit',
  campaignName: 'Casino X',
  clickId: 'P7AAbcdefghijklmnop',
  refId: 'abc',
  ...over,
});

describe('renderNotification', () => {
  it('one new conversion on one line, with click start and ref', () => {
    const r = renderNotification({ kind: 'conversion', items: [line()], total: 1 }, 'telegram');
    expect(plain(r)).toBe(
      '✅ New conversion: Deposit on Casino X — payout $50.00 (approved) · click P7AAbc… · ref abc',
    );
  });

  it('a batch lists the first items and counts the rest, with the platform’s command syntax', () => {
    const r = renderNotification({ kind: 'conversion', items: [line(), line({ refId: null })], total: 5 }, 'slack');
    const t = plain(r);
    expect(t.split('\n')[0]).toBe('✅ 5 new conversions');
    expect(t).toContain('… and 3 more: /pd conversions');
  });

  it('postback alerts name the endpoint and the next step', () => {
    const failing = plain(
      renderNotification(
        { kind: 'postback_failing', endpoint: 'tracker.example', reason: 'several attempts in a row failed' },
        'telegram',
      ),
    );
    expect(failing).toContain('⚠️ Your postback tracker.example is failing: several attempts in a row failed.');
    expect(failing).toContain('/postback log');
    const recovered = plain(
      renderNotification({ kind: 'postback_recovered', endpoint: 'tracker.example', reason: null }, 'telegram'),
    );
    expect(recovered).toBe('✅ Postback recovered: tracker.example is accepting conversions again.');
  });

  it('payment status changes', () => {
    const r = renderNotification(
      { kind: 'payment_status', paymentId: 12, status: 'paid', amount: 12_000, currency: 'USD' },
      'telegram',
    );
    expect(plain(r)).toBe('💸 Payment #12 of $120.00 is now paid.');
  });
});
