import { ownEntry } from './own-entry.js';
/**
 * The partner postback macros (CONTRACT.md), a sample conversion to preview them with, and the "did you mean"
 * help for names partners bring from other trackers.
 */

export const POSTBACK_MACROS = [
  'ref_id',
  'aff_payout',
  'clickid',
  'type',
  'status',
  'txid',
  'campaign_id',
  'currency',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'country',
  'conversion_time',
  'postback_id',
] as const;
export type PostbackMacro = (typeof POSTBACK_MACROS)[number];

/** Money arrives already formatted (formatDecimal); conversion_time is unix SECONDS. */
export type PostbackValues = Partial<Record<PostbackMacro, string | number | null | undefined>>;

export const MAX_POSTBACK_URL_LENGTH = 2048;
export const MAX_POSTBACK_BODY_LENGTH = 8192;

/** A plausible conversion for previews, test fires and the save-time parse check. */
export const SAMPLE_CONVERSION: Readonly<Record<PostbackMacro, string>> = Object.freeze({
  ref_id: 'your-click-id-123',
  aff_payout: '12.50',
  clickid: 'k3Jd9QmZp1Xw7Rt2Yb8Ncv',
  type: 'sale',
  status: 'approved',
  txid: 'TX-100042',
  campaign_id: '42',
  currency: 'USD',
  sub1: 'sub1-sample',
  sub2: 'sub2-sample',
  sub3: 'sub3-sample',
  sub4: 'sub4-sample',
  sub5: 'sub5-sample',
  country: 'DE',
  conversion_time: '1764000000',
  postback_id: 'pb-sample-000001',
});

export interface TemplateProblem {
  code: string;
  message: string;
}

const KNOWN = new Set<string>(POSTBACK_MACROS);
export const isKnown = (name: string): name is PostbackMacro => KNOWN.has(name);

/** Names partners bring from other trackers, mapped to ours. */
const ALIASES: Record<string, PostbackMacro> = {
  payout: 'aff_payout',
  sum: 'aff_payout',
  amount: 'aff_payout',
  revenue: 'aff_payout',
  click_id: 'clickid',
  transaction_id: 'txid',
  tid: 'txid',
  event: 'type',
  goal: 'type',
  geo: 'country',
  country_code: 'country',
  timestamp: 'conversion_time',
  time: 'conversion_time',
  campaign: 'campaign_id',
  offer_id: 'campaign_id',
  subid: 'ref_id',
  aff_sub: 'ref_id',
  refid: 'ref_id',
  event_id: 'postback_id',
};

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known macro an unknown name most likely meant, or null when nothing is close. */
export function suggestMacro(name: string): PostbackMacro | null {
  const n = name.trim().toLowerCase().replace(/-/g, '_');
  if (isKnown(n)) return n;
  if (/^sub_?\d+$/.test(n)) return null; // sub6 is not "almost sub1"; the message says which subs exist
  const alias = ownEntry(ALIASES, n) ?? ownEntry(ALIASES, n.replace(/_/g, ''));
  if (alias) return alias;
  let best: PostbackMacro | null = null;
  let bestD = Math.max(1, Math.floor(n.length / 3)) + 1;
  for (const m of POSTBACK_MACROS) {
    const d = distance(n, m);
    if (d < bestD) [best, bestD] = [m, d];
  }
  return best;
}

export function unknownMacroProblem(name: string): TemplateProblem {
  if (name === 'replace_me') {
    return {
      code: 'replace_me_in_postback',
      message:
        '{replace_me} belongs in your tracking link, where we swap in your click id; in the postback URL write ' +
        '{ref_id} to get that id back',
    };
  }
  const hint = suggestMacro(name);
  const subs = /^sub_?\d+$/i.test(name.trim()) ? ' (only {sub1} to {sub5} exist)' : '';
  const tail = hint ? `did you mean {${hint}}?` : `known macros: ${POSTBACK_MACROS.map((m) => `{${m}}`).join(' ')}`;
  return { code: 'unknown_macro', message: `unknown macro {${name}}${subs}: ${tail}` };
}
