import { describe, expect, it } from 'vitest';
import { matchPostbacks, type PostbackRule, type RuleEvent } from './postback-rules.js';

const rule = (over: Partial<PostbackRule> = {}): PostbackRule => ({
  id: 1,
  partnerId: 7,
  campaignId: null,
  conversionTypes: [],
  statuses: [],
  onStatusChange: false,
  ...over,
});
const event = (over: Partial<RuleEvent> = {}): RuleEvent => ({
  partnerId: 7,
  campaignId: 3,
  typeKey: 'sale',
  beforeStatus: null,
  afterStatus: 'approved',
  ...over,
});

describe('postback rules', () => {
  it('a new conversion fires every matching postback, global and per campaign alike', () => {
    const pbs = [rule({ id: 1 }), rule({ id: 2, campaignId: 3 }), rule({ id: 3, campaignId: 4 })];
    expect(matchPostbacks(pbs, event())).toEqual([
      { postbackId: 1, eventKey: 'created' },
      { postbackId: 2, eventKey: 'created' },
    ]);
  });

  it("never fires another partner's postback", () => {
    expect(matchPostbacks([rule({ partnerId: 8 })], event())).toEqual([]);
  });

  it('type and status filters apply', () => {
    expect(matchPostbacks([rule({ conversionTypes: ['lead'] })], event())).toEqual([]);
    expect(matchPostbacks([rule({ statuses: ['declined'] })], event())).toEqual([]);
    expect(matchPostbacks([rule({ conversionTypes: ['sale'], statuses: ['approved'] })], event())).toHaveLength(1);
  });

  it('status changes fire only for postbacks that ask for them', () => {
    const change = event({ beforeStatus: 'pending', afterStatus: 'approved' });
    expect(matchPostbacks([rule()], change)).toEqual([]);
    expect(matchPostbacks([rule({ onStatusChange: true })], change)).toEqual([
      { postbackId: 1, eventKey: 'status:approved' },
    ]);
  });

  it('an "approved only" postback hears about a conversion when it becomes approved', () => {
    const pb = rule({ statuses: ['approved'] });
    expect(matchPostbacks([pb], event({ afterStatus: 'pending' }))).toEqual([]);
    expect(matchPostbacks([pb], event({ beforeStatus: 'pending', afterStatus: 'approved' }))).toEqual([
      { postbackId: 1, eventKey: 'status:approved' },
    ]);
    expect(matchPostbacks([pb], event({ beforeStatus: 'approved', afterStatus: 'declined' }))).toEqual([]);
  });

  it('a payout change without a status change fires nothing', () => {
    expect(matchPostbacks([rule({ onStatusChange: true })], event({ beforeStatus: 'approved' }))).toEqual([]);
  });
});
