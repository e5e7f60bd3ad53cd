import { randomBytes } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDigestSettings } from '../src/app/digests/digest-settings.js';
import { requestDigest } from '../src/app/digests/request-digest.js';
import { type RunningDigests, startDigestWorker } from '../src/jobs/digests/start.js';
import { partnerWithWeek } from './helpers/digest-world.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

async function until<T>(fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A header as it was written (mailparser turns List-* headers into objects). */
function header(m: ParsedMail | undefined, name: string): string {
  const line = m?.headerLines.find((h) => h.key === name)?.line ?? '';
  return line.slice(line.indexOf(':') + 1).trim();
}

describe.each(DB_FLAVORS)('digest sending (%s)', (flavor) => {
  let ctx: TestContext;
  let sink: SmtpSink;
  let digests: RunningDigests;

  beforeAll(async () => {
    sink = await startSmtpSink();
    ctx = await startTestApp(flavor, {
      SMTP_URL: sink.url,
      PUBLIC_URL: 'http://pd.example',
      MAIL_FROM: 'partnerdesk <digests@pd.example>',
      MAIL_REPLY_TO: 'managers@pd.example',
      DIGEST_TELEGRAM_URL: 'https://t.me/pd_example_bot',
    });
    digests = await startDigestWorker(ctx.app, {
      prefix: `t${randomBytes(4).toString('hex')}`,
      schedule: false,
      pollMs: 50,
      backoffMs: 200,
    });
  });
  afterEach(() => {
    sink.verdict = () => undefined;
  });
  afterAll(async () => {
    await digests?.close();
    await ctx?.close();
    await sink?.close();
  });

  it('delivers a designed digest: headers, both parts, inline chart, no placeholder, under 100 KB', async () => {
    const { partnerId, email } = await partnerWithWeek(ctx.app.db, { clicks: 60 });
    const before = sink.messages.length;
    const r = await requestDigest(ctx.app, partnerId, { cadence: 'weekly' });
    const [m] = (await sink.waitFor(before + 1)).slice(before);
    if (!m) throw new Error('no message');
    expect(m.to && 'text' in m.to ? m.to.text : '').toContain(email);
    expect(m.subject).toMatch(/^Your week, .+: €\d+\.\d\d payout/);
    expect(m.messageId).toBe(`<digest.${partnerId}.weekly.${r.row.periodStart}.${r.row.requestKey}@pd.example>`);
    expect(m.replyTo?.text).toBe('managers@pd.example');
    const unsub = header(m, 'list-unsubscribe');
    expect(unsub).toMatch(/^<http:\/\/pd\.example\/unsubscribe\/u\d+\.[\w-]{27}>$/);
    expect(header(m, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const html = String(m.html);
    const size = sink.sizes[sink.sizes.length - 1] ?? 0;
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    expect(size).toBeGreaterThan(1000);
    expect(html).not.toMatch(/\{\{|\}\}/);
    expect(html).toContain('lang="en"');
    expect(html).toContain('scope="col"');
    // Partner data is escaped, never raw HTML.
    expect(html).toContain('Ada &lt;Partner&gt; &amp; Co');
    expect(html).not.toContain('<b>"');
    // The chart: one inline PNG, referenced by its cid, alt text that says the trend.
    const png = m.attachments.find((a) => a.contentType === 'image/png');
    expect(png?.cid).toBeTruthy();
    expect(png?.content.subarray(1, 4).toString()).toBe('PNG');
    expect(html).toContain(`src="cid:${png?.cid}"`);
    expect(html).toMatch(/alt="Chart of clicks and payout per day, [^"]+: clicks (rising|falling|steady)/);
    // KPIs with arrow and word, zone and currency named, the unsubscribe link visible.
    expect(html).toMatch(/(▲|▼|–) (up|down|no change|new)/);
    expect(html).toContain('Times in Europe/Berlin · amounts in EUR');
    expect(html).toContain(unsub.slice(1, -1));
    expect(html).toContain('https://t.me/pd_example_bot');
    const text = String(m.text);
    expect(text).toContain('Clicks:');
    expect(text).toContain('Top campaigns');
    expect(text).toContain(`Unsubscribe (one click): ${unsub.slice(1, -1)}`);
    expect(text).not.toMatch(/\{\{|cid:/);
    const row = await until(async () => {
      const x = await ctx.app.db('digests').where({ id: r.row.id }).first();
      return x?.state === 'sent' ? x : null;
    });
    expect(Number(row.attempts)).toBe(1);
  });

  it('an empty week gives a short, honest digest without a chart', async () => {
    const { partnerId } = await partnerWithWeek(ctx.app.db, { clicks: 0 });
    const before = sink.messages.length;
    await requestDigest(ctx.app, partnerId, { cadence: 'weekly' });
    const [m] = (await sink.waitFor(before + 1)).slice(before);
    expect(m?.subject).toMatch(/: no traffic$/);
    expect(String(m?.html)).toContain('No clicks or conversions were recorded in');
    expect(m?.attachments.length).toBe(0);
    expect(String(m?.html)).not.toContain('Top campaigns');
  });

  it('451 then success: retried and delivered once', async () => {
    const { partnerId, email } = await partnerWithWeek(ctx.app.db, { clicks: 5 });
    sink.verdict = (rcpt, n) => (rcpt === email && n === 1 ? { code: 451, message: 'try again later' } : undefined);
    const before = sink.messages.length;
    const r = await requestDigest(ctx.app, partnerId);
    await sink.waitFor(before + 1);
    const row = await until(async () => {
      const x = await ctx.app.db('digests').where({ id: r.row.id }).first();
      return x?.state === 'sent' ? x : null;
    });
    expect(Number(row.attempts)).toBe(2);
    await new Promise((res) => setTimeout(res, 500));
    expect(sink.messages.slice(before).filter((m) => m.to && 'text' in m.to && m.to.text.includes(email))).toHaveLength(
      1,
    );
  });

  it('550 stops mail to the address and says so in chat and settings', async () => {
    const { partnerId, email } = await partnerWithWeek(ctx.app.db, { clicks: 5 });
    sink.verdict = (rcpt) => (rcpt === email ? { code: 550, message: 'no such user here' } : undefined);
    const r = await requestDigest(ctx.app, partnerId);
    const row = await until(async () => {
      const x = await ctx.app.db('digests').where({ id: r.row.id }).first();
      return x?.state === 'failed' ? x : null;
    });
    expect(row.error).toMatch(/refused: .*no such user/);
    const s = await getDigestSettings(ctx.app, partnerId);
    expect(s.undeliverable?.reason).toMatch(/no such user/);
    const note = await ctx.app
      .db('notifications')
      .where({ partner_id: partnerId, kind: 'digest_undeliverable' })
      .first();
    expect(JSON.parse(note.payload)).toMatchObject({ email });
    // Nothing more goes to it: a request is refused, and the tick leaves the partner out.
    await expect(requestDigest(ctx.app, partnerId)).rejects.toThrow(/refused/);
  });

  it('one-click unsubscribe is honoured at once; forged tokens are 404', async () => {
    const { partnerId } = await partnerWithWeek(ctx.app.db, { clicks: 3 });
    const before = sink.messages.length;
    await requestDigest(ctx.app, partnerId);
    const [m] = (await sink.waitFor(before + 1)).slice(before);
    const url = header(m, 'list-unsubscribe').slice(1, -1).replace('http://pd.example', ctx.baseUrl);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200); // idempotent
    expect((await getDigestSettings(ctx.app, partnerId)).cadence).toBe('off');
    const forged = url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(forged, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
    expect((await fetch(`${ctx.baseUrl}/unsubscribe/u1.nope`)).status).toBe(404);
    // A scheduled digest queued before the click is skipped when its job runs.
    const [row] = await ctx.app
      .db('digests')
      .insert({
        partner_id: partnerId,
        cadence: 'weekly',
        period_start: '2026-11-16',
        request_key: '',
        timezone: 'Europe/Berlin',
        period_from: Date.UTC(2026, 10, 15, 23),
        period_to: Date.UTC(2026, 10, 22, 23),
        state: 'pending',
        next_attempt_at: 0,
        state_at: 0,
        created_at: Date.now(),
      })
      .returning('id');
    const id = (row as { id: number }).id;
    const skipped = await until(async () => {
      const x = await ctx.app.db('digests').where({ id }).first();
      return x?.state === 'skipped' ? x : null;
    });
    expect(skipped.error).toBe('unsubscribed');
  });
});
