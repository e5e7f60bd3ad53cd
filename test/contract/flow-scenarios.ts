import { expect, it } from 'vitest';
import { grantAccess, makePartner } from '../helpers/fixtures.js';
import { eventually, type Receiver } from '../helpers/receiver.js';
import type { BotTarget, Driver, KnownGap } from './driver.js';
import { type ContractWorld, s2s, sensible } from './world.js';

/** What the guided-flow scenarios need from the suite, read when each scenario runs (after beforeAll). */
export interface ContractRun {
  t: BotTarget;
  w: ContractWorld;
  rx: Receiver;
  linked(partnerId: number): Promise<Driver>;
}

/** `it`, or `it.fails` for a known gap of the adapter under test. */
export type ScenarioTest = (name: string, fn: () => Promise<void>) => void;

/** Guided flows (payment method, postback set-up) through an adapter: buttons, typed answers, cancel, save. */
export function guidedFlowScenarios(run: () => ContractRun, unless: (gap: KnownGap) => ScenarioTest): void {
  it('guided paymethod: buttons, a field checked as typed, confirm, saved', async () => {
    const { t, linked } = run();
    const p = await makePartner(t.app.db, { name: 'Pay Person' });
    const d = await linked(p);
    expect(sensible(await d.command('paymethod')).buttons).toEqual(['Set payment method']);
    expect(sensible(await d.press('Set payment method')).buttons).toEqual(['PayPal', 'Bank wire', 'Wise', 'Crypto']);
    expect(sensible(await d.press('PayPal')).text).toContain('send the PayPal e-mail');
    expect(sensible(await d.send('not an address')).text).toContain('Please send it again');
    const confirm = sensible(await d.send('pay@example.com'));
    expect(confirm.text).toContain('PayPal e-mail: pay@example.com');
    expect(sensible(await d.press('Save')).text).toContain('Saved: PayPal pay@example.com');
    expect(sensible(await d.command('balance')).text).toContain('Paid to: PayPal pay@example.com');
  });

  it('guided postback set end to end: problems, preview, real test fire, save, then a real conversion arrives', async () => {
    const { t, w, rx, linked } = run();
    const p = await makePartner(t.app.db, { name: 'Post Partner' });
    await grantAccess(t.app.db, p, w.alpha);
    const d = await linked(p);
    const path = `/pb-${p}`;
    rx.script(path, [{ status: 202, body: 'accepted by rx' }]);

    expect(sensible(await d.command('postback')).text).toContain('no postback yet');
    expect(sensible(await d.command('postback set')).text).toContain('step 1 of 3');
    const bad = sensible(await d.send('https://t.example.com/pb?c={clik_id}'));
    expect(bad.text).toContain('That URL has a problem');
    expect(bad.text).toContain('{clik_id}');
    expect(rx.on(path)).toHaveLength(0);

    const template = `${rx.url}${path}?ref={ref_id}&st={status}&t={type}`;
    const preview = sensible(await d.send(template));
    expect(preview.text).toContain('Step 2 of 3: preview');
    expect(preview.text).toContain(`${rx.url}${path}?ref=your-click-id-123&st=`);
    expect(preview.text).toContain('Answered HTTP 202');
    expect(preview.text).toContain('accepted by rx');
    expect(preview.buttons).toEqual(['Save', 'Cancel']);
    expect(rx.on(path)).toHaveLength(1);
    expect(await t.app.db('postbacks').where({ partner_id: p })).toHaveLength(0);

    expect(sensible(await d.press('Save')).text).toMatch(/Saved postback #\d+/);
    expect(sensible(await d.command('postback')).text).toContain(template);

    // A real click with the partner's own click id, a real S2S conversion, the relay delivers it.
    const click = await fetch(`${t.baseUrl}/t/${w.alpha}?pid=${p}&ref_id=trk-77`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    // The campaign's default landing carries our click id as c={clickid}.
    const clickId = new URL(String(click.headers.get('location'))).searchParams.get('c');
    expect(clickId).toBeTruthy();
    await s2s(t, `clickid=${clickId}&type=lead&txid=tx-post-1`);
    const [, delivered] = await rx.waitFor(path, 2);
    expect(delivered?.query.get('ref')).toBe('trk-77');
    expect(delivered?.query.get('t')).toBe('lead');
    await eventually(async () => {
      const row = await t.app.db('postback_deliveries').where({ partner_id: p }).first();
      return row?.state === 'delivered';
    });
    const trace = sensible(await d.command(`trace ${clickId}`)).text;
    expect(trace).toContain('ref_id trk-77');
    expect(trace).toContain('txid tx-post-1');
    expect(trace).toMatch(/delivered[\s\S]*HTTP 202/);
    expect(sensible(await d.command('postback log')).text).toContain('HTTP 202');
  });

  it('a guided step can be cancelled, and nothing is saved', async () => {
    const { t, linked } = run();
    const p = await makePartner(t.app.db, { name: 'Cancel Partner' });
    const d = await linked(p);
    await d.command('postback set');
    expect(sensible(await d.send('cancel')).text).toContain('Cancelled. Nothing was changed.');
    expect(sensible(await d.send('https://x.example.com/pb')).text).toMatch(/free text|help/);
    expect(await t.app.db('postbacks').where({ partner_id: p })).toHaveLength(0);
  });

  it('an answer that begins with a command word answers the step; cancel still leaves', async () => {
    const { t, linked } = run();
    const p = await makePartner(t.app.db, { name: 'Wire Partner' });
    const d = await linked(p);
    await d.command('paymethod change');
    expect(sensible(await d.press('Bank wire')).text).toContain('account holder name');
    const attempts = (await t.app.db('link_attempts').count({ n: '*' }))[0]?.n;
    // "Link ..." and "Help ..." would run /link and /help if a leading command word were taken as a command.
    expect(sensible(await d.send('Link Digital GmbH')).text).toContain('send the IBAN');
    expect((await t.app.db('link_attempts').count({ n: '*' }))[0]?.n).toBe(attempts);
    expect(sensible(await d.send('DE89 3704 0044 0532 0130 00')).text).toContain('BIC');
    expect(sensible(await d.send('DEUTDEFF')).text).toContain('bank name');
    const confirm = sensible(await d.send('Balance Bank AG'));
    expect(confirm.text).toContain('account holder name: Link Digital GmbH');
    expect(confirm.text).toContain('bank name: Balance Bank AG');
    expect(sensible(await d.send('cancel')).text).toContain('Cancelled');
    expect(await t.app.db('payment_methods').where({ partner_id: p })).toHaveLength(0);
  });

  unless('commands-during-flow')('a command typed during a guided step runs; the step goes on after it', async () => {
    const { t, linked } = run();
    const p = await makePartner(t.app.db, { name: 'Busy Partner' });
    const d = await linked(p);
    await d.command('paymethod change');
    await d.press('PayPal');
    expect(sensible(await d.command('balance')).text).toContain('Balance of Busy Partner');
    expect(sensible(await d.send('busy@example.com')).text).toContain('PayPal e-mail: busy@example.com');
  });

  unless('commands-during-flow')('a guided step ends with the link: never saved into another partner', async () => {
    const { t, rx, linked } = run();
    const p1 = await makePartner(t.app.db, { name: 'First Partner' });
    const p2 = await makePartner(t.app.db, { name: 'Second Partner' });
    const d = await linked(p1);
    await d.command('postback set');
    expect((await d.send(`${rx.url}/relink?r={ref_id}`)).buttons).toEqual(['Save', 'Cancel']);
    expect(sensible(await d.command('unlink')).text).toMatch(/^Unlinked/);
    expect(sensible(await d.linkAs(p2)).text).toContain('Second Partner');
    expect(sensible(await d.send('save')).text).not.toContain('Saved postback');
    expect(await t.app.db('postbacks').whereIn('partner_id', [p1, p2])).toHaveLength(0);
  });
}
