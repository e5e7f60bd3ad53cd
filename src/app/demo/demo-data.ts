import type { CreatePartnerInput } from '../admin/partner-input.js';

/**
 * The demo catalogue: who the partners are, what the campaigns pay, where traffic comes from. Plain data,
 * so the seed reads as a story: an affiliate network with a casino, a nutra offer, loans, dating,
 * sweepstakes and a VPN, and four publishers of different sizes (one brought in by another).
 */

/** Deterministic PRNG (mulberry32): the same seed gives the same demo every time. */
export function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
export type Random = ReturnType<typeof createRandom>;

/** Weighted choice in O(log n): cumulative weights, binary search. */
export function weighted<T>(items: readonly { w: number; v: T }[]): (r: number) => T {
  const cum: number[] = [];
  let total = 0;
  for (const it of items) {
    total += it.w;
    cum.push(total);
  }
  return (r: number) => {
    const x = r * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!.v;
  };
}

export interface DemoPartner {
  key: string;
  input: CreatePartnerInput;
  /** Name of the partner who referred this one. */
  referredBy?: string;
  method: { kind: 'paypal' | 'wire' | 'wise' | 'crypto'; details: Record<string, string> };
  /** Geo multipliers on top of the global mix: publishers have home markets. */
  geoBias: Record<string, number>;
  /** Share of the partner's clicks carrying its own click id (ref_id). */
  refIdShare: number;
}

export const DEMO_PARTNERS: DemoPartner[] = [
  {
    key: 'alice',
    input: {
      name: 'Alice Media',
      email: 'alice@alicemedia.example',
      company: 'Alice Media LLC',
      timezone: 'America/New_York',
      payout_schedule: 'weekly',
      min_payout: '100.00',
    },
    method: { kind: 'paypal', details: { email: 'payouts@alicemedia.example' } },
    geoBias: { US: 1.8, CA: 1.5, GB: 1.2 },
    refIdShare: 0.9,
  },
  {
    key: 'bravo',
    input: {
      name: 'Bravo Apps',
      email: 'team@bravoapps.example',
      company: 'Bravo Apps GmbH',
      timezone: 'Europe/Berlin',
      referral_rate_bp: 1000,
    },
    referredBy: 'alice',
    method: { kind: 'wire', details: { iban: 'DE89 3704 0044 •••• •••• 00', holder: 'Bravo Apps GmbH' } },
    geoBias: { DE: 3, AT: 2, PL: 1.5, NL: 1.4 },
    refIdShare: 0.6,
  },
  {
    key: 'carla',
    input: { name: 'Carla Push Network', email: 'billing@carlapush.example', timezone: 'America/Sao_Paulo' },
    method: { kind: 'wise', details: { email: 'finance@carlapush.example' } },
    geoBias: { BR: 3, MX: 2, AR: 2, ES: 1.3 },
    refIdShare: 1,
  },
  {
    key: 'delta',
    input: {
      name: 'Delta Deals',
      email: 'ops@deltadeals.example',
      timezone: 'Asia/Kolkata',
      payout_schedule: 'biweekly',
    },
    method: { kind: 'crypto', details: { network: 'TRC20', address: 'TXk9…q4Rz', asset: 'USDT' } },
    geoBias: { IN: 4, ID: 2, PH: 2 },
    refIdShare: 0.3,
  },
  {
    key: 'echo',
    input: { name: 'Echo Social', email: 'hello@echosocial.example', timezone: 'Europe/London', status: 'pending' },
    method: { kind: 'paypal', details: { email: 'echo@echosocial.example' } },
    geoBias: {},
    refIdShare: 0,
  },
];

/** Which partner runs which campaign, and how much traffic (relative weight) that pair sends. */
export const DEMO_ROUTES: { partner: string; campaign: string; weight: number; sub1: string[] }[] = [
  { partner: 'alice', campaign: 'casino', weight: 16, sub1: ['native_feed', 'banner_top', 'email'] },
  { partner: 'alice', campaign: 'loans', weight: 10, sub1: ['search', 'email'] },
  { partner: 'alice', campaign: 'vpn', weight: 6, sub1: ['review_site', 'youtube'] },
  { partner: 'alice', campaign: 'sweeps', weight: 6, sub1: ['popunder'] },
  { partner: 'bravo', campaign: 'casino', weight: 10, sub1: ['app_interstitial', 'app_banner'] },
  { partner: 'bravo', campaign: 'dating', weight: 8, sub1: ['app_interstitial', 'rewarded'] },
  { partner: 'bravo', campaign: 'vpn', weight: 4, sub1: ['app_banner'] },
  { partner: 'carla', campaign: 'sweeps', weight: 12, sub1: ['push', 'inpage_push'] },
  { partner: 'carla', campaign: 'keto', weight: 9, sub1: ['push', 'native'] },
  { partner: 'carla', campaign: 'dating', weight: 5, sub1: ['push'] },
  { partner: 'delta', campaign: 'keto', weight: 7, sub1: ['facebook', 'tiktok'] },
  { partner: 'delta', campaign: 'sweeps', weight: 5, sub1: ['popunder', 'facebook'] },
  { partner: 'delta', campaign: 'loans', weight: 2, sub1: ['search'] },
];

/** Share of global traffic per country, and its UTC offset (hours) to shape the hour-of-day curve. */
export const DEMO_GEOS: { code: string; w: number; utc: number; tier: number }[] = [
  { code: 'US', w: 22, utc: -5, tier: 1.3 },
  { code: 'DE', w: 10, utc: 1, tier: 1.2 },
  { code: 'GB', w: 9, utc: 0, tier: 1.25 },
  { code: 'BR', w: 8, utc: -3, tier: 0.8 },
  { code: 'IN', w: 8, utc: 5.5, tier: 0.55 },
  { code: 'FR', w: 5, utc: 1, tier: 1.1 },
  { code: 'CA', w: 5, utc: -5, tier: 1.25 },
  { code: 'ES', w: 4, utc: 1, tier: 1 },
  { code: 'IT', w: 4, utc: 1, tier: 1 },
  { code: 'MX', w: 4, utc: -6, tier: 0.8 },
  { code: 'PL', w: 3, utc: 1, tier: 0.95 },
  { code: 'NL', w: 3, utc: 1, tier: 1.15 },
  { code: 'AU', w: 3, utc: 10, tier: 1.25 },
  { code: 'AT', w: 2, utc: 1, tier: 1.15 },
  { code: 'JP', w: 2, utc: 9, tier: 1 },
  { code: 'ID', w: 2, utc: 7, tier: 0.6 },
  { code: 'PH', w: 2, utc: 8, tier: 0.6 },
  { code: 'AR', w: 1.5, utc: -3, tier: 0.75 },
  { code: 'ZA', w: 1.5, utc: 2, tier: 0.8 },
  { code: 'SE', w: 1.5, utc: 1, tier: 1.15 },
];

/** Relative traffic by local hour: quiet at night, a lunch bump, the evening peak. */
export const LOCAL_HOUR_CURVE = [
  3, 2, 1.5, 1.2, 1.2, 1.6, 2.6, 4, 5, 5.4, 5.6, 6, 6.6, 6.2, 5.8, 5.8, 6.2, 7, 8, 8.8, 9, 8.2, 6.4, 4.5,
];

/** Real-looking user agents, weighted; device, os and browser come from the same parser tracking uses. */
export const DEMO_USER_AGENTS: { w: number; ua: string }[] = [
  {
    w: 30,
    ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  },
  {
    w: 8,
    ua: 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  },
  {
    w: 6,
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
  },
  {
    w: 24,
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  {
    w: 5,
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  },
  {
    w: 16,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  {
    w: 5,
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  },
  { w: 3, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  {
    w: 5,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  },
  {
    w: 4,
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
  { w: 1, ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  {
    w: 3,
    ua: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  },
  {
    w: 1.5,
    ua: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  },
];
