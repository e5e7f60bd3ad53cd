import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

/** A click with every field a postback macro can carry, written straight to the table. */
export async function makeRichClick(
  db: Knex,
  partnerId: number,
  campaignId: number,
  over: Partial<Record<'ref_id' | 'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5' | 'country', string>> = {},
): Promise<string> {
  const clickId = randomBytes(12).toString('base64url');
  await db('clicks').insert({
    click_id: clickId,
    campaign_id: campaignId,
    partner_id: partnerId,
    ref_id: `ref-${clickId.slice(0, 6)}`,
    sub1: 's1 value',
    sub2: 's2&x=y',
    sub3: 'ü3',
    sub4: 's4',
    sub5: 's5',
    country: 'DE',
    device: 'desktop',
    os: 'Windows',
    created_at: Date.now(),
    ...over,
  });
  return clickId;
}

export const randomPrefix = () => `pdt${randomBytes(4).toString('hex')}`;
