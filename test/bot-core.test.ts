import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BotCore, createBotCore } from '../bots/core/bot-core.js';
import type { ChatUser, Command } from '../bots/core/command.js';
import { plainLine, type Reply, reply, text } from '../bots/core/reply.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { LINK_GLOBAL_MAX_FAILURES_PER_MINUTE } from '../src/app/chat/link-chat.js';
import { getBalance } from '../src/app/ledger/get-balance.js';
import { recordPayment } from '../src/app/ledger/record-payment.js';
import { buildConfig } from '../src/config/index.js';
import { appendLedgerEntries } from '../src/db/repositories/ledger.js';
import { formatMoney } from '../src/domain/money.js';
import { createLogger } from '../src/infra/logger.js';
import { type App, createApp } from '../src/main/create-app.js';
import { makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, freshDatabase } from './helpers/harness.js';

/** What a user would read: every text line and table row, as plain text. */
function said(replies: Reply[]): string {
  return replies
    .flatMap((r) =>
      r.blocks.flatMap((b) =>
        b.kind === 'text'
          ? b.lines.map(plainLine)
          : b.kind === 'table'
            ? [b.columns.map((c) => c.title).join(' | '), ...b.rows.map((row) => row.join(' | '))]
            : [],
      ),
    )
    .join('\n');
}
const buttons = (replies: Reply[]) => replies.flatMap((r) => (r.buttons ?? []).flat());
const actionOf = (replies: Reply[], label: string): string => {
  const b = buttons(replies).find((x) => x.label === label);
  if (!b || !('action' in b)) throw new Error(`no button "${label}" in ${JSON.stringify(buttons(replies))}`);
  return b.action;
};

let seq = 0;
const tgUser = (): ChatUser => {
  seq += 1;
  return { platform: 'telegram', userId: `u${seq}-${Math.random().toString(36).slice(2, 8)}`, chatId: `c${seq}` };
};

describe.each(DB_FLAVORS)('bot core on %s', (flavor) => {
  let app: App;
  let core: BotCore;
  let drop: () => Promise<void>;
  let clock = Date.parse('2026-11-24T12:00:00Z');
  let partnerA: number;
  let partnerB: number;

  /** A chat user linked to `partnerId` through a real link code. */
  async function linked(partnerId: number): Promise<ChatUser> {
    const user = tgUser();
    const { code } = await issueLinkCode(app, partnerId);
    expect(said(await core.handleText(user, `/link ${code}`))).toMatch(/^Linked/);
    return user;
  }

  beforeAll(async () => {
    const db = await freshDatabase(flavor);
    drop = db.drop;
    const config = buildConfig({ LOG_LEVEL: 'silent', ...db.env });
    app = await createApp(config, { logger: createLogger('silent'), redis: null, now: () => clock });
    core = createBotCore(app);
    partnerA = await makePartner(app.db, { name: 'Alpha Media', timezone: 'Europe/Berlin' });
    partnerB = await makePartner(app.db, { name: 'Beta Ads', referrer_id: partnerA });
    const entry = (partner_id: number, account: 'available' | 'pending' | 'referral', amount: number) => ({
      partner_id,
      account,
      amount,
      currency: 'USD',
      reason: 'adjustment' as const,
      conversion_id: null,
      payment_id: null,
      created_at: clock - 86_400_000,
    });
    await appendLedgerEntries(app.db, [
      entry(partnerA, 'available', 1_234_567),
      entry(partnerA, 'pending', 4_250),
      entry(partnerA, 'referral', 990),
      entry(partnerB, 'available', 777),
    ]);
    for (let i = 0; i < 12; i++) {
      await recordPayment(app, {
        partnerId: partnerA,
        amount: 10_000 + i,
        status: 'paid',
        reference: `PAY-A-${i}`,
        createdAt: clock - (i + 2) * 86_400_000,
      });
    }
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });
  beforeEach(() => {
    clock = Date.parse('2026-11-24T12:00:00Z');
  });

  it('links with a valid code, then refuses the same code for anyone else', async () => {
    const { code } = await issueLinkCode(app, partnerA);
    const user = tgUser();
    expect(said(await core.handleText(user, `/link ${code.toLowerCase()}`))).toContain(
      'Linked: this chat now belongs to partner Alpha Media',
    );
    expect(said(await core.handleText(user, '/balance'))).toContain('Balance of Alpha Media');
    const other = tgUser();
    expect(said(await core.handleText(other, `/link ${code}`))).toMatch(/already used \(each code works once\)/);
    expect(said(await core.handleText(other, '/balance'))).toMatch(/^Link your account first/);
  });

  it('explains an expired code', async () => {
    const { code } = await issueLinkCode(app, partnerA);
    clock += 31 * 60_000;
    const user = tgUser();
    expect(said(await core.handleText(user, `/link ${code}`))).toMatch(
      /code has expired.*ask your manager for a new one/,
    );
  });

  it('limits guessing, not the owner: after 5 wrong codes a wrong one says only "too many", a fresh valid one links', async () => {
    const user = tgUser();
    for (let i = 0; i < 5; i++) {
      expect(said(await core.handleText(user, '/link ZZZZZZZZ'))).toMatch(/not valid/);
      clock += 60_000;
    }
    // Locked out: a wrong, malformed or used code gets no detail (nothing a guesser could learn from).
    expect(said(await core.handleText(user, '/link ZZZZZZZY'))).toMatch(/^Too many attempts, try again in 11 minutes/);
    expect(said(await core.handleText(user, '/link 12'))).toMatch(/^Too many attempts/);
    const { code } = await issueLinkCode(app, partnerA);
    expect(said(await core.handleText(user, `/link ${code}`))).toMatch(
      /^Linked: this chat now belongs to partner Alpha/,
    );
    // Linking clears the count: the next mistake gets the usual explanation.
    expect(said(await core.handleText(user, '/link ZZZZZZZZ'))).toMatch(/not valid/);
  });

  it('a global limit per minute stops many users guessing together; it lifts after the minute', async () => {
    await app.db('link_attempts').delete(); // earlier tests' failures at the same pinned time
    const many = Array.from({ length: LINK_GLOBAL_MAX_FAILURES_PER_MINUTE }, () => tgUser());
    for (const u of many) expect(said(await core.handleText(u, '/link ZZZZZZZZ'))).toMatch(/not valid/);
    const { code } = await issueLinkCode(app, partnerB);
    const fresh = tgUser();
    expect(said(await core.handleText(fresh, '/link ZZZZZZZX'))).toMatch(/^Too many wrong link codes .* in a minute/);
    expect(said(await core.handleText(fresh, `/link ${code}`))).toMatch(/^Too many wrong link codes/);
    clock += 61_000;
    expect(said(await core.handleText(fresh, `/link ${code}`))).toMatch(
      /^Linked: this chat now belongs to partner Beta/,
    );
    await app.db('link_attempts').delete(); // later tests run at the same pinned time
  });

  it('re-linking with a code of another partner replaces the link', async () => {
    const user = await linked(partnerA);
    const { code } = await issueLinkCode(app, partnerB);
    const r = said(await core.handleText(user, `/link ${code}`));
    expect(r).toContain('partner Beta Ads');
    expect(r).toContain(`earlier link to partner #${partnerA} is replaced`);
    expect(said(await core.handleText(user, 'balance'))).toContain('Balance of Beta Ads');
  });

  it('shows an unlinked user only start, help and link', async () => {
    const user = tgUser();
    const help = said(await core.handleText(user, '/help'));
    expect(help).toContain('/start');
    expect(help).toContain('/link CODE');
    expect(help).not.toMatch(/\/balance|\/payments|\/report|\/unlink/);
    for (const cmd of ['/balance', '/payments', '/unlink', '/notify on', 'timezone UTC']) {
      expect(said(await core.handleText(user, cmd))).toBe(
        'Link your account first: ask your manager for a code, then send /link CODE',
      );
    }
    expect(said(await core.handleAction(user, 'payments:page:2'))).toMatch(/^Link your account first/);
    expect(said(await core.handleText(user, '/start'))).toContain('send /link CODE');
  });

  it('answers an unknown command with close matches and help', async () => {
    const user = await linked(partnerA);
    expect(said(await core.handleText(user, '/balanse'))).toBe(
      'I don\'t know "balanse". Did you mean /balance? Send /help for every command.',
    );
    expect(said(await core.handleText(user, '/weather'))).toBe(
      'I don\'t know "weather". Send /help for the list of commands.',
    );
    expect(said(await core.handleText(user, 'what is my balance please'))).toMatch(/^I answer commands, not free text/);
    expect(said(await core.handleText(user, '/BALANCE@PartnerDeskBot'))).toContain('Balance of Alpha Media');
  });

  it('balance shows the figures of getBalance, the currency, the timezone and when payment comes', async () => {
    const user = await linked(partnerA);
    const b = await getBalance(app, partnerA);
    const r = said(await core.handleText(user, '/balance'));
    expect(r).toContain('as of 2026-11-24 13:00 Europe/Berlin, amounts in USD');
    expect(r).toContain(`Available: ${formatMoney(b.available, 'USD')}`);
    expect(r).toContain(`Pending approval: ${formatMoney(b.pending, 'USD')}`);
    expect(r).toContain(`Referral balance: ${formatMoney(b.referral, 'USD')}`);
    expect(r).toContain('Minimum payout: $50.00');
    expect(r).toContain('When do I get paid: next payout run 2026-12-01 (monthly).');
    expect(r).toContain(`so ${formatMoney(b.available, 'USD')} is due in that run`);
    expect(b.available).toBe(1_234_567 - (12 * 10_000 + 66));
  });

  it('partner B never sees A: balance, payments, referral', async () => {
    const a = await linked(partnerA);
    const bUser = await linked(partnerB);
    const aBal = said(await core.handleText(a, '/balance'));
    const bBal = said(await core.handleText(bUser, '/balance'));
    expect(bBal).toContain('Balance of Beta Ads');
    expect(bBal).toContain('Available: $7.77');
    expect(bBal).not.toContain('Alpha');
    expect(aBal).toContain('Available: $11,145.01');
    expect(said(await core.handleText(bUser, '/payments'))).toBe(
      'No payments yet. /balance shows what is due and when the next payout run is.',
    );
    // A button press carries no partner id: it always reads the presser's own data.
    expect(said(await core.handleAction(bUser, 'payments:page:1'))).not.toContain('PAY-A');
    expect(said(await core.handleText(a, '/referral'))).toContain('Partners you referred: 1');
  });

  it('pages payments ten at a time with buttons', async () => {
    const user = await linked(partnerA);
    const first = await core.handleText(user, '/payments');
    expect(said(first)).toContain('page 1 of 2 (12 in total), newest first, dates in Europe/Berlin');
    expect(said(first)).toContain('2026-11-22 | $100.00 | paid | – | PAY-A-0');
    expect(buttons(first).map((b) => b.label)).toEqual(['Older »']);
    const second = await core.handleAction(user, actionOf(first, 'Older »'));
    expect(said(second)).toContain('page 2 of 2');
    expect(said(second)).toContain('PAY-A-11');
    expect(said(second)).not.toContain('PAY-A-0 ');
  });

  it('validates and stores the timezone', async () => {
    const user = await linked(partnerB);
    expect(said(await core.handleText(user, '/timezone'))).toContain('Your time zone: UTC');
    expect(said(await core.handleText(user, '/timezone Mars/Olympus'))).toBe(
      'Time zone must be an IANA time zone like Europe/Berlin, America/New_York or UTC, got "Mars/Olympus"',
    );
    expect(said(await core.handleText(user, '/timezone america/new_york'))).toContain(
      'Time zone set to America/New_York',
    );
    expect(said(await core.handleText(user, '/balance'))).toContain('America/New_York');
    const row = await app.db('partners').where({ id: partnerB }).first();
    expect(row.timezone).toBe('America/New_York');
    await app.db('partners').where({ id: partnerB }).update({ timezone: 'UTC' });
  });

  it('notify on/off is stored for this chat', async () => {
    const user = await linked(partnerA);
    expect(said(await core.handleText(user, '/notify'))).toContain('are off');
    expect(said(await core.handleText(user, '/notify on'))).toMatch(/^Notifications on/);
    const row = await app.db('chat_identities').where({ platform: 'telegram', user_id: user.userId }).first();
    expect(Boolean(row.notify)).toBe(true);
    expect(said(await createBotCore(app).handleText(user, '/notify'))).toContain('are on');
    expect(said(await core.handleText(user, '/notify maybe'))).toMatch(/^Notify takes on or off/);
    await core.handleText(user, '/notify off');
    const again = await app.db('chat_identities').where({ platform: 'telegram', user_id: user.userId }).first();
    expect(Boolean(again.notify)).toBe(false);
  });

  it('paymethod flow end to end, surviving a restart in the middle', async () => {
    const user = await linked(partnerB);
    const shown = await core.handleText(user, '/paymethod');
    expect(said(shown)).toContain('No payment method yet');
    const kinds = await core.handleAction(user, actionOf(shown, 'Set payment method'));
    expect(buttons(kinds).map((b) => b.label)).toEqual(['PayPal', 'Bank wire', 'Wise', 'Crypto']);
    expect(said(await core.handleAction(user, actionOf(kinds, 'Bank wire')))).toContain(
      'Bank wire (1 of 4): send the account holder name',
    );
    expect(said(await core.handleText(user, 'Jane Doe'))).toContain('(2 of 4): send the IBAN');
    expect(said(await core.handleText(user, 'DE89 3704 0044 0532 0130 01'))).toMatch(
      /^IBAN check digits do not match.*Please send it again\.\nBank wire \(2 of 4\)/s,
    );
    // A new core (as after a restart) continues from the database.
    const restarted = createBotCore(app);
    expect(said(await restarted.handleText(user, 'de89370400440532013000'))).toContain(
      '(3 of 4): send the BIC/SWIFT code',
    );
    await restarted.handleText(user, 'deutdeff');
    const confirm = await restarted.handleText(user, 'Deutsche Bank');
    expect(said(confirm)).toContain('IBAN: DE89 3704 0044 0532 0130 00');
    expect(said(await restarted.handleAction(user, actionOf(confirm, 'Save')))).toBe(
      'Saved: Bank transfer to Jane Doe, IBAN …3000, Deutsche Bank. Future payments go there.',
    );
    const rows = await app.db('payment_methods').where({ partner_id: partnerB, is_default: true });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].details)).toEqual({
      holder: 'Jane Doe',
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: 'DEUTDEFF',
      bank: 'Deutsche Bank',
    });
    expect(said(await restarted.handleText(user, '/balance'))).toContain('Paid to: Bank transfer to Jane Doe');
    // The flow is over: free text is free text again.
    expect(said(await restarted.handleText(user, 'hello there'))).toMatch(/^I answer commands/);
  });

  it('a flow can be cancelled, validates e-mail, and expires', async () => {
    const user = await linked(partnerA);
    await core.handleText(user, '/paymethod change');
    expect(said(await core.handleText(user, 'paypal'))).toContain('send the PayPal e-mail');
    expect(said(await core.handleText(user, 'not-an-email'))).toMatch(/^PayPal e-mail must be an e-mail address/);
    expect(said(await core.handleText(user, 'cancel'))).toBe('Cancelled. Nothing was changed.');
    expect(said(await core.handleText(user, 'cancel'))).toBe('There is nothing to cancel.');
    await core.handleText(user, '/paymethod crypto');
    clock += 31 * 60_000;
    expect(said(await core.handleText(user, 'USDT TRC20'))).toMatch(/^I answer commands/);
  });

  it('digest settings are stored, and the answer names the weekday, the hour and the zone', async () => {
    const user = await linked(partnerA);
    // New partners get the default: weekly, Monday, 09:00 local.
    expect(said(await core.handleText(user, '/digest'))).toMatch(/^Digest: weekly on Monday at 09:00 Europe\/Berlin/);
    expect(said(await core.handleText(user, '/digest weekly fri 7'))).toContain(
      'Saved. Digest: weekly on Friday at 07:00 Europe/Berlin',
    );
    expect(said(await core.handleText(user, '/digest hourly'))).toMatch(
      /^Frequency must be daily, weekly, monthly or off/,
    );
    const row = await app.db('digest_subscriptions').where({ partner_id: partnerA }).first();
    expect([row.frequency, Number(row.hour), Number(row.weekday)]).toEqual(['weekly', 7, 5]);
  });

  it('unlink ends access', async () => {
    const user = await linked(partnerA);
    expect(said(await core.handleText(user, '/unlink'))).toContain('no longer sees the data of partner Alpha Media');
    expect(said(await core.handleText(user, '/balance'))).toMatch(/^Link your account first/);
  });

  it('turns an internal error into a friendly reply without details', async () => {
    const boom: Command = {
      name: 'boom',
      summary: 'fails',
      usage: 'boom',
      needsPartner: false,
      async run() {
        throw new Error('SQLITE_BUSY: secret table details at /srv/app.js:12');
      },
    };
    const ok: Command = { ...boom, name: 'ok', run: async () => reply([text('fine')]) };
    const c = createBotCore(app, { commands: [boom, ok] });
    const r = said(await c.handleText(tgUser(), '/boom'));
    expect(r).toMatch(/^Sorry, something went wrong on our side/);
    expect(r).not.toMatch(/SQLITE|\.js|Error/);
    expect(said(await c.handleText(tgUser(), 'ok'))).toBe('fine');
  });
});

describe('partnerdesk chat --once (SQLite)', () => {
  let dir: string;
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.resolve('bin/partnerdesk.js'), ...args],
        { env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', REDIS_URL: '', DATABASE_URL: '' }, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pd-chat-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a link code and answers one message as the partner', async () => {
    expect((await run(['partner', 'create', '--name', 'Console Co', '--email', 'c@console.example'])).code).toBe(0);
    const code = await run(['partner', 'link-code', '1']);
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/Link code for partner 1: [0-9A-HJKMNP-TV-Z]{8}\n/);
    expect(code.stdout).toMatch(/\/link [0-9A-Z]{8} {2}to the Telegram bot, or {2}\/pd link/);
    const bal = await run(['chat', '--partner', '1', '--once', 'balance']);
    expect(bal.code).toBe(0);
    expect(bal.stdout).toContain('Balance of Console Co');
    expect(bal.stdout).toContain('Available: $0.00');
    const pm = await run(['chat', '--partner', '1', '--once', 'paymethod']);
    expect(pm.stdout).toContain('[1] Set payment method');
    const missing = await run(['chat', '--partner', '42', '--once', 'balance']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('partnerdesk: no partner with id 42');
    const bad = await run(['chat', '--partner', 'abc', '--once', 'balance']);
    expect(bad.code).toBe(2);
  });
});
