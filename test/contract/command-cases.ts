import type { ContractWorld } from './world.js';

/**
 * Every command of the core with valid arguments and the phrase its answer must contain, run in this order
 * by one chat linked to partner A (Alpha Media, UTC). Settings changed here are put back by a later row
 * (timezone, notify), so the other scenarios read the same world. A new command fails the coverage check
 * until it has a row here.
 */
export interface CommandCase {
  /** The command line without platform prefix; `args` (from the world) is appended when given. */
  line: string;
  args?: (w: ContractWorld) => string;
  expect: RegExp | ((w: ContractWorld) => RegExp);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const COMMAND_CASES: CommandCase[] = [
  { line: 'start', expect: /This chat is linked to partner Alpha Media/ },
  { line: 'help', expect: /Commands[\s\S]*report \[period\] \[by DIM\][\s\S]*Periods: today/ },
  { line: 'link', expect: /Send the code your manager gave you/ },
  { line: 'balance', expect: /Balance of Alpha Media[\s\S]*When do I get paid/ },
  { line: 'payments', expect: /Payments of Alpha Media: page 1 of 2/ },
  { line: 'paymethod', expect: /No payment method yet|Payments go to/ },
  { line: 'referral', expect: /Referral program[\s\S]*Your referral code: P\d+/ },
  { line: 'timezone', expect: /Your time zone: UTC/ },
  { line: 'timezone Europe/Berlin', expect: /Time zone set to Europe\/Berlin/ },
  { line: 'dashboard 7d', expect: /Dashboard · last 7 days.*Europe\/Berlin[\s\S]*Clicks: 3/ },
  { line: 'timezone UTC', expect: /Time zone set to UTC/ },
  { line: 'notify', expect: /Conversion messages in this chat are off/ },
  { line: 'notify on', expect: /Notifications on/ },
  { line: 'notify off', expect: /Notifications off/ },
  { line: 'digest', expect: /Digest/ },
  { line: 'digest weekly 9', expect: /Saved\. Digest: weekly on Monday at 09:00 UTC/ },
  { line: 'digest off', expect: /Saved\. Digest e-mails are off/ },
  { line: 'dashboard', expect: /Dashboard · today \(\d{4}-\d{2}-\d{2}\), UTC[\s\S]*Payout: \$50\.00/ },
  { line: 'campaigns', expect: /Your campaigns[\s\S]*Alpha Casino/ },
  { line: 'campaigns casino', expect: /Campaigns matching "casino"[\s\S]*Alpha Casino/ },
  {
    line: 'campaign',
    args: (w) => String(w.alpha),
    expect: (w) => new RegExp(`Alpha Casino[\\s\\S]*Your tracking link[\\s\\S]*/t/${w.alpha}\\?pid=${w.a}`),
  },
  {
    line: 'deeplink',
    args: (w) => `${w.alpha} https://offer.example.com/quiz`,
    expect: (w) => new RegExp(`Deeplink to Quiz LP[\\s\\S]*lp=${w.landingId}`),
  },
  {
    line: 'deeplink',
    args: (w) => `${w.alpha} https://offer.example.com/sale?promo=X1`,
    expect: (w) =>
      new RegExp(
        `Deeplink to offer\\.example\\.com/sale[\\s\\S]*/t/${w.alpha}\\?pid=${w.a}&(amp;)?deeplink=https%3A%2F%2Foffer\\.example\\.com%2Fsale%3Fpromo%3DX1`,
      ),
  },
  { line: 'report 7d by geo', expect: /Report by country · last 7 days \(.*\), UTC[\s\S]*FR\s+2\s+0\s/ },
  { line: 'conversions deposit 30d', expect: /Deposit conversions[\s\S]*tx-a1/ },
  {
    line: 'trace',
    args: (w) => w.clickA,
    expect: (w) => new RegExp(`Click ${esc(w.clickA)}[\\s\\S]*Alpha Casino[\\s\\S]*txid tx-a1`),
  },
  { line: 'postback', expect: /no postback yet/ },
  { line: 'postback test', expect: /no postback yet; set one up/ },
  { line: 'postback log', expect: /no postback yet; set one up/ },
  { line: 'unlink', expect: /^Unlinked: this chat no longer sees the data of partner Alpha Media/ },
];
