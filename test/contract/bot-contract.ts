import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../bots/core/commands/index.js';
import { getBalance } from '../../src/app/ledger/get-balance.js';
import { formatMoney } from '../../src/domain/money.js';
import { type RunningRelay, startRelay } from '../../src/jobs/relay.js';
import { makeCampaign } from '../helpers/fixtures.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { randomPrefix } from '../helpers/relay-fixtures.js';
import { COMMAND_CASES } from './command-cases.js';
import type { BotTarget, Driver, KnownGap, MakeTarget } from './driver.js';
import { guidedFlowScenarios, type ScenarioTest } from './flow-scenarios.js';
import { buildWorld, type ContractWorld, sensible } from './world.js';

export type { ContractWorld } from './world.js';

/**
 * The platform-neutral contract of the partner bot: the same scenarios, in the same words, through every
 * adapter (console, Telegram, Slack). A scenario speaks only through a Driver, so it asserts what a partner
 * would read, not what the core returned. Key phrases are those every platform shares (no "/" prefixes).
 */

export interface ContractOptions {
  knownGaps?: KnownGap[];
}

export function defineBotContract(name: string, makeTarget: MakeTarget, opts: ContractOptions = {}): void {
  const gaps = new Set(opts.knownGaps ?? []);
  const unless = (gap: KnownGap): ScenarioTest => (gaps.has(gap) ? it.fails : it);
  describe(`bot contract: ${name}`, () => {
    let t: BotTarget;
    let w: ContractWorld;
    let rx: Receiver;
    let relay: RunningRelay;
    const chats: Driver[] = [];
    const chat = async () => {
      const d = await t.newChat();
      chats.push(d);
      return d;
    };
    const linked = async (partnerId: number) => {
      const d = await chat();
      expect(sensible(await d.linkAs(partnerId)).text).toContain('Linked: this chat now belongs to partner');
      return d;
    };

    beforeAll(async () => {
      rx = await startReceiver();
      t = await makeTarget({ POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
      relay = await startRelay(t.app, { prefix: randomPrefix(), retrySchedule: [0, 100, 100], dispatchPollMs: 50 });
      w = await buildWorld(t);
    });
    afterAll(async () => {
      for (const d of chats) await d.close();
      await relay?.close();
      await t?.close();
      await rx?.close();
    });

    it('an unlinked user sees only start, help and link; everything else asks to link first', async () => {
      const d = await chat();
      expect(sensible(await d.command('start')).text).toMatch(/link this chat to your partner account/i);
      const help = sensible(await d.command('help')).text;
      expect(help).toMatch(/link CODE/);
      for (const hidden of ['report [period]', 'trace CLICKID', 'campaigns [search]', 'postback [set']) {
        expect(help).not.toContain(hidden);
      }
      for (const c of ['balance', 'report 7d', `trace ${w.clickA}`, `campaign ${w.alpha}`, 'payments', 'postback']) {
        const r = sensible(await d.command(c));
        expect(r.text).toMatch(/^Link your account first/);
        expect(r.text).not.toMatch(/Alpha|Beta|\$/);
        expect(r.images + r.files.length).toBe(0);
      }
    });

    it('a wrong or malformed code links nothing; guessing is limited, but a fresh valid code still links', async () => {
      const d = await chat();
      expect(sensible(await d.command('link 7K2M9QXD')).text).toMatch(/that code is not valid/i);
      expect(sensible(await d.command('link 12')).text).toMatch(/a link code is 8 letters and digits/i);
      expect((await d.command('balance')).text).toMatch(/^Link your account first/);
      for (const guess of ['7K2M9QXA', '7K2M9QXB', '7K2M9QXC']) await d.command(`link ${guess}`);
      expect(sensible(await d.command('link 7K2M9QXE')).text).toMatch(/too many attempts, try again in \d+ minutes?/i);
      expect((await d.command('balance')).text).toMatch(/^Link your account first/);
      // The limit stops guessing, not the owner: the code the manager just issued works.
      expect(sensible(await d.linkAs(w.a)).text).toContain('Linked: this chat now belongs to partner Alpha Media');
    });

    it('link, then balance shows the figures of getBalance; unlink hides them again', async () => {
      const d = await linked(w.a);
      const b = await getBalance(t.app, w.a);
      const r = sensible(await d.command('balance'));
      expect(r.text).toContain('Balance of Alpha Media');
      expect(r.text).toContain(`Available: ${formatMoney(b.available, b.currency)}`);
      expect(r.text).toContain(`Pending approval: ${formatMoney(b.pending, b.currency)}`);
      expect(r.text).toContain(`Referral balance: ${formatMoney(b.referral, b.currency)}`);
      expect(r.text).toContain(`Minimum payout: ${formatMoney(b.minPayout, b.currency)}`);
      expect(r.text).toContain(`Paid out so far: ${formatMoney(b.paid, b.currency)}`);
      expect(b.paid).toBeGreaterThan(0);
      expect(sensible(await d.command('payments')).buttons).toContain('Older »');
      expect(sensible(await d.command('unlink')).text).toMatch(/^Unlinked/);
      expect((await d.command('balance')).text).toMatch(/^Link your account first/);
      if (d.olderButtons) {
        // A button from before the unlink shows nothing either.
        const stale = await d.press('Older »');
        expect(stale.text).toMatch(/^Link your account first/);
        expect(stale.text).not.toContain('PAY-A-');
      }
    });

    it("partner A never sees B's data: report totals, trace, campaign, conversions", async () => {
      const d = await linked(w.a);
      const report = sensible(await d.command('report 7d by campaign')).text;
      expect(report).toContain('Alpha Casino');
      expect(report).not.toContain('Beta Secret');
      expect(report).toContain('Totals: 3 clicks · 1 conversion');
      expect(report).toMatch(/Total\s+3\s+1\s/);
      const trace = sensible(await d.command(`trace ${w.clickB}`)).text;
      expect(trace).toContain('not found');
      expect(trace).not.toMatch(/Beta|tx-b-secret/);
      const campaign = sensible(await d.command(`campaign ${w.beta}`)).text;
      expect(campaign).toContain(`campaign ${w.beta} not found`);
      expect(campaign).not.toContain('Beta Secret');
      const conversions = sensible(await d.command('conversions 30d')).text;
      expect(conversions).toContain('tx-a1');
      expect(conversions).not.toContain('tx-b-secret');
      // And the other way round: B sees only its own click and conversion.
      const other = await linked(w.b);
      const bReport = sensible(await other.command('report 7d by campaign')).text;
      expect(bReport).toContain('Totals: 1 click · 1 conversion');
      expect(bReport).not.toContain('Alpha Casino');
    });

    describe('every command answers something sensible', () => {
      let d: Driver;
      beforeAll(async () => {
        d = await linked(w.a);
      });

      it('the table covers every command of the core', () => {
        const covered = new Set(COMMAND_CASES.map((c) => c.line.split(' ')[0]));
        expect(COMMANDS.map((c) => c.name).filter((n) => !covered.has(n))).toEqual([]);
      });

      it.each(COMMAND_CASES)('$line', async (c) => {
        const line = typeof c.args === 'function' ? `${c.line} ${c.args(w)}` : c.line;
        const r = sensible(await d.command(line));
        expect(r.text).not.toMatch(/^Usage: /m);
        expect(r.text).toMatch(typeof c.expect === 'function' ? c.expect(w) : c.expect);
      });
    });

    it('report sends a chart picture; its Export CSV button yields a CSV file', async () => {
      const d = await linked(w.a);
      const r = sensible(await d.command('report 7d'));
      expect(r.text).toContain('Report by day');
      expect(r.images).toBe(1);
      expect(r.buttons).toContain('Export CSV');
      const csv = await d.press('Export CSV');
      expect(csv.files).toHaveLength(1);
      expect(csv.files[0]?.name).toMatch(/^report-day-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(csv.files[0]?.bytes).toBeGreaterThan(40);
    });

    it('campaign shows terms, tracking link, landings, and creatives as pictures', async () => {
      const d = await linked(w.a);
      const r = sensible(await d.command(`campaign ${w.alpha}`));
      expect(r.text).toContain('Alpha Casino & <VIP>');
      expect(r.text).toContain(`/t/${w.alpha}?pid=${w.a}&ref_id={replace_me}`);
      expect(r.text).toContain(`${w.landingId} · Quiz LP (default)`);
      expect(r.text).toContain('Win big <today> & more');
      expect(r.text).toContain('Big banner · 300x250');
      expect(r.images).toBe(1);
    });

    it('campaigns page with buttons and keep the search', async () => {
      for (let i = 0; i < 11; i++) await makeCampaign(t.app.db, { name: `Bulk ${i}`, access: 'public' });
      const d = await linked(w.a);
      const first = sensible(await d.command('campaigns bulk'));
      expect(first.text).toContain('page 1 of 2 (11 in all)');
      expect(first.buttons).toEqual(['Next ›']);
      const next = sensible(await d.press('Next ›'));
      expect(next.text).toContain('Campaigns matching "bulk" · page 2 of 2');
      expect(next.text).toContain('Bulk 10');
      expect(next.buttons).toEqual(['‹ Prev']);
    });

    it('payments page with buttons', async () => {
      const d = await linked(w.a);
      const first = sensible(await d.command('payments'));
      expect(first.text).toContain('page 1 of 2 (12 in total)');
      expect(first.text).toContain('PAY-A-0');
      const older = sensible(await d.press('Older »'));
      expect(older.text).toContain('page 2 of 2');
      expect(older.text).toContain('PAY-A-11');
      expect(older.text).not.toContain('PAY-A-0 ');
    });

    guidedFlowScenarios(() => ({ t, w, rx, linked }), unless);

    it('an unknown command gets a helpful reply; free text gets a hint', async () => {
      const d = await linked(w.a);
      const typo = sensible(await d.command('balanse'));
      expect(typo.text).toMatch(/I don't know "balanse"\. Did you mean (\/pd )?\S*balance/);
      const unknown = sensible(await d.command('frobnicate'));
      expect(unknown.text).toMatch(/help/);
      const free = sensible(await d.send('how much did I earn this week?'));
      expect(free.text).toContain('I answer commands, not free text');
      expect(free.text).toMatch(/help/);
    });
  });
}
