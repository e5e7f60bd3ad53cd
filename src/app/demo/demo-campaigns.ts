import type { CreateCampaignInput } from '../admin/campaign-input.js';

/**
 * The demo's six campaigns, one per vertical: what they pay per conversion type, their landings and
 * creatives, and the funnel the traffic generator follows (how often each type follows a click, and when).
 */

/** A conversion type of a campaign: how often it follows a click (or the step it depends on), and when. */
export interface FunnelStep {
  type: string;
  /** Probability per click, or per conversion of `after` when set. */
  rate: number;
  after?: string;
  /** Delay after the click (or the previous step), minutes. */
  delay: [number, number];
  /** Revenue sent by the advertiser (major units), for revshare or order-value types; else the default. */
  revenue?: [number, number];
  /** Extra share declined (fraud, chargebacks) on top of the base rate. */
  declineExtra?: number;
}

export interface DemoCampaign {
  key: string;
  code: string;
  input: CreateCampaignInput;
  funnel: FunnelStep[];
}

const banner = (host: string, w: number, h: number) => ({
  name: `Banner ${w}x${h}`,
  kind: 'banner' as const,
  url: `https://cdn.${host}/creatives/${w}x${h}.png`,
  width: w,
  height: h,
});

export const DEMO_CAMPAIGNS: DemoCampaign[] = [
  {
    key: 'casino',
    code: 'LSC',
    input: {
      name: 'Lucky Spins Casino',
      type: 'cpa',
      category: 'gambling',
      description: 'Online casino with 200 free spins for new players. 18+, no incentivised traffic, no brand bidding.',
      landing_url: 'https://luckyspins.example/welcome?click={clickid}&aff={partner_id}&s1={sub1}',
      deeplink_domains: ['luckyspins.example'],
      payouts: [
        { type: 'Registration', amount: '3.00', default_revenue: '6.00' },
        { type: 'Deposit', amount: '45.00', default_revenue: '95.00' },
      ],
      landings: [
        { name: 'Free spins', url: 'https://luckyspins.example/welcome?click={clickid}&s1={sub1}', is_default: true },
        { name: 'Live casino', url: 'https://luckyspins.example/live?click={clickid}&s1={sub1}' },
      ],
      creatives: [
        banner('luckyspins.example', 300, 250),
        banner('luckyspins.example', 728, 90),
        banner('luckyspins.example', 160, 600),
      ],
    },
    funnel: [
      { type: 'Registration', rate: 0.045, delay: [2, 90] },
      { type: 'Deposit', rate: 0.28, after: 'Registration', delay: [20, 4320], declineExtra: 0.04 },
    ],
  },
  {
    key: 'keto',
    code: 'KSN',
    input: {
      name: 'KetoSlim Nutra',
      type: 'cps',
      category: 'nutra',
      description: 'Keto diet supplement, cash on delivery in most geos. Payout per confirmed order.',
      landing_url: 'https://ketoslim.example/order?cid={clickid}',
      payouts: [
        { type: 'Sale', amount: '28.00', default_revenue: '55.00' },
        { type: 'Upsell', amount: '9.00', default_revenue: '19.00' },
      ],
      landings: [
        { name: 'Presell article', url: 'https://ketoslim.example/story?cid={clickid}', is_default: true },
        { name: 'Direct order', url: 'https://ketoslim.example/order?cid={clickid}' },
        { name: 'Quiz', url: 'https://ketoslim.example/quiz?cid={clickid}' },
      ],
      creatives: [
        banner('ketoslim.example', 300, 250),
        banner('ketoslim.example', 320, 50),
        { name: 'Native headline', kind: 'text', body: 'Doctors hate this simple keto trick' },
      ],
    },
    funnel: [
      { type: 'Sale', rate: 0.014, delay: [5, 240], declineExtra: 0.12 },
      { type: 'Upsell', rate: 0.3, after: 'Sale', delay: [1, 30] },
    ],
  },
  {
    key: 'loans',
    code: 'QLF',
    input: {
      name: 'QuickLoan Finance',
      type: 'cpl',
      category: 'finance',
      description: 'Personal loans up to $5,000. A lead is a completed application; an approved loan pays a bonus.',
      landing_url: 'https://quickloan.example/apply?ref={clickid}&sub={sub1}',
      access: 'approval',
      payouts: [
        { type: 'Lead', amount: '6.50', default_revenue: '12.00' },
        { type: 'Confirmed', amount: '40.00', default_revenue: '85.00' },
      ],
      landings: [{ name: 'Application form', url: 'https://quickloan.example/apply?ref={clickid}&sub={sub1}' }],
      creatives: [banner('quickloan.example', 300, 250), banner('quickloan.example', 970, 250)],
    },
    funnel: [
      { type: 'Lead', rate: 0.05, delay: [3, 45], declineExtra: 0.08 },
      { type: 'Confirmed', rate: 0.16, after: 'Lead', delay: [600, 7200] },
    ],
  },
  {
    key: 'dating',
    code: 'MMD',
    input: {
      name: 'MatchMe Dating',
      type: 'cpl',
      category: 'dating',
      description: 'Mainstream dating app. SOI registration plus 35 % of subscription revenue.',
      landing_url: 'https://matchme.example/join?click={clickid}',
      payouts: [
        { type: 'Registration', amount: '2.20', default_revenue: '4.00' },
        { type: 'Subscription', kind: 'revshare', percent: '35' },
      ],
      landings: [
        { name: 'Swipe demo', url: 'https://matchme.example/join?click={clickid}', is_default: true },
        { name: 'Quiz', url: 'https://matchme.example/quiz?click={clickid}' },
      ],
      creatives: [banner('matchme.example', 300, 250), banner('matchme.example', 300, 600)],
    },
    funnel: [
      { type: 'Registration', rate: 0.07, delay: [1, 30] },
      { type: 'Subscription', rate: 0.12, after: 'Registration', delay: [60, 10080], revenue: [9.99, 59.99] },
    ],
  },
  {
    key: 'sweeps',
    code: 'WIP',
    input: {
      name: 'Win an iPhone Sweepstakes',
      type: 'cpl',
      category: 'sweepstakes',
      description: 'Single opt-in email submit, double opt-in bonus. Open to every partner.',
      landing_url: 'https://win-a-phone.example/?c={clickid}&country={country}',
      access: 'public',
      payouts: [
        { type: 'Lead', amount: '1.10', default_revenue: '2.00' },
        { type: 'DOI', amount: '0.80', default_revenue: '1.50' },
      ],
      landings: [
        { name: 'Spin the wheel', url: 'https://win-a-phone.example/wheel?c={clickid}', is_default: true },
        { name: 'Survey', url: 'https://win-a-phone.example/survey?c={clickid}' },
      ],
      creatives: [
        banner('win-a-phone.example', 320, 50),
        banner('win-a-phone.example', 300, 250),
        { name: 'Push text', kind: 'text', body: 'Congratulations! You may have won an iPhone 15' },
      ],
    },
    funnel: [
      { type: 'Lead', rate: 0.1, delay: [1, 10], declineExtra: 0.15 },
      { type: 'DOI', rate: 0.45, after: 'Lead', delay: [5, 1440] },
    ],
  },
  {
    key: 'vpn',
    code: 'VPS',
    input: {
      name: 'VPN Shield',
      type: 'revshare',
      category: 'software',
      description: 'Privacy VPN, 30 % of every first purchase and renewal, lifetime.',
      landing_url: 'https://vpnshield.example/pricing?aff_click={clickid}',
      deeplink_domains: ['vpnshield.example', 'blog.vpnshield.example'],
      access: 'approval',
      payouts: [
        { type: 'Sale', kind: 'revshare', percent: '30' },
        { type: 'Renewal', kind: 'revshare', percent: '30' },
      ],
      landings: [{ name: 'Pricing', url: 'https://vpnshield.example/pricing?aff_click={clickid}' }],
      creatives: [banner('vpnshield.example', 728, 90), banner('vpnshield.example', 300, 250)],
    },
    funnel: [
      { type: 'Sale', rate: 0.017, delay: [5, 2880], revenue: [39, 119] },
      { type: 'Renewal', rate: 0.2, after: 'Sale', delay: [1440, 20160], revenue: [39, 99] },
    ],
  },
];
