import { expect } from 'vitest';
import { recordPayment } from '../../src/app/ledger/record-payment.js';
import { addPromoMaterial, grantAccess, makeCampaign, makePartner } from '../helpers/fixtures.js';
import { addClick } from '../helpers/report-facts.js';
import type { BotTarget, Transcript } from './driver.js';

const WENT_WRONG = /something went wrong/i;

/** The facts every scenario reads; written once per target through the tables and the real HTTP routes. */
export interface ContractWorld {
  a: number;
  b: number;
  alpha: number;
  beta: number;
  landingId: number;
  clickA: string;
  clickB: string;
}

export async function buildWorld(t: BotTarget): Promise<ContractWorld> {
  const db = t.app.db;
  const a = await makePartner(db, { name: 'Alpha Media' });
  const b = await makePartner(db, { name: 'Beta Ads' });
  // Markup characters in a name: every adapter must escape them wherever the name appears.
  const alpha = await makeCampaign(db, { name: 'Alpha Casino & <VIP>', deeplink_domains: '["offer.example.com"]' });
  const beta = await makeCampaign(db, { name: 'Beta Secret' });
  await grantAccess(db, a, alpha);
  await grantAccess(db, b, beta);
  const landingId = await addPromoMaterial(db, alpha, 'Win big <today> & more');
  // A minute ago, but never before today's UTC midnight: "dashboard" (today) must see these clicks.
  const at = Math.max(Date.now() - 60_000, Math.floor(Date.now() / 86_400_000) * 86_400_000);
  const ca = await addClick(db, { partnerId: a, campaignId: alpha, country: 'DE', at });
  await addClick(db, { partnerId: a, campaignId: alpha, country: 'FR', at });
  await addClick(db, { partnerId: a, campaignId: alpha, country: 'FR', at });
  const cb = await addClick(db, { partnerId: b, campaignId: beta, country: 'US', at });
  const clickA = ca.clickId;
  const clickB = cb.clickId;
  await s2s(t, `clickid=${clickA}&type=Deposit&txid=tx-a1&status=approved`);
  await s2s(t, `clickid=${clickB}&type=lead&txid=tx-b-secret&status=approved`);
  for (let i = 0; i < 12; i++) {
    await recordPayment(t.app, {
      partnerId: a,
      amount: 1_000 + i,
      status: 'paid',
      reference: `PAY-A-${i}`,
      createdAt: Date.now() - (i + 2) * 86_400_000,
    });
  }
  return { a, b, alpha, beta, landingId, clickA, clickB };
}

/** The advertiser's S2S call, through the real route. */
export async function s2s(t: BotTarget, query: string): Promise<void> {
  const res = await fetch(`${t.baseUrl}/postback?${query}`);
  if (res.status !== 200) throw new Error(`/postback?${query} answered ${res.status}: ${await res.text()}`);
}

/** Asserts the answer is a real one: not the apology for an internal failure. */
export function sensible(t: Transcript): Transcript {
  expect(t.text).not.toMatch(WENT_WRONG);
  expect(t.text.trim()).not.toBe('');
  return t;
}
