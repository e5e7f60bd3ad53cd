import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { type ClickText, makeClick } from './conversions.js';

/** A click with every field a postback macro can carry, written straight to the table. */
export async function makeRichClick(
  db: Knex,
  partnerId: number,
  campaignId: number,
  over: Partial<Record<Exclude<ClickText, 'click_id' | 'device' | 'os'>, string>> = {},
): Promise<string> {
  const clickId = randomBytes(12).toString('base64url');
  return makeClick(db, partnerId, campaignId, {
    click_id: clickId,
    ref_id: `ref-${clickId.slice(0, 6)}`,
    sub1: 's1 value',
    sub2: 's2&x=y',
    sub3: 'ü3',
    sub4: 's4',
    sub5: 's5',
    ...over,
  });
}

export const randomPrefix = () => `pdt${randomBytes(4).toString('hex')}`;
