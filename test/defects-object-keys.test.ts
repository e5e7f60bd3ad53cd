import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotCore, createBotCore } from '../bots/core/bot-core.js';
import type { ChatUser } from '../bots/core/command.js';
import { plainLine, type Reply } from '../bots/core/reply.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { countRows, makeClick } from './helpers/conversions.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

/**
 * Issue 10 item 1: text a user types must never select Object.prototype's members from a lookup table.
 * Each case answered 500 (or silently did the wrong thing) before: now 400 naming the field, nothing written.
 */
const PROTO_WORDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const said = (replies: Reply[]) =>
  replies.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(plainLine) : []))).join('\n');

describe.each(DB_FLAVORS)('user text used as an object key on %s', (flavor) => {
  let ctx: TestContext;
  let partnerId: number;
  let campaignId: number;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    partnerId = await makePartner(ctx.app.db);
    campaignId = await makeCampaign(ctx.app.db, {
      landing_url: 'https://offer.example.com/lp?c={clickid}&x={constructor}&y={__proto__}',
    });
    await grantAccess(ctx.app.db, partnerId, campaignId);
  });
  afterAll(async () => ctx?.close());

  it.each(PROTO_WORDS)('S2S status=%s is 400 naming status, no conversion written', async (word) => {
    const click = await makeClick(ctx.app.db, partnerId, campaignId);
    const before = await countRows(ctx.app.db, 'conversions', { partner_id: partnerId });
    const res = await api(ctx, 'GET', `/postback?clickid=${click}&status=${word}`, undefined, null);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_status', field: 'status' });
    expect(await countRows(ctx.app.db, 'conversions', { partner_id: partnerId })).toBe(before);
  });

  it.each(PROTO_WORDS)('report group=%s is 400 naming group, in JSON and CSV', async (word) => {
    for (const format of ['json', 'csv']) {
      const res = await api(ctx, 'GET', `/api/v1/report?group=${word}&format=${format}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_group', field: 'group' });
    }
  });

  it.each(['constructor', '__proto__'])('report currency and period "%s" are 400, not 500', async (word) => {
    const cur = await api(ctx, 'GET', `/api/v1/report?currency=${word}`);
    expect(cur.status).toBe(400);
    const per = await api(ctx, 'GET', `/api/v1/report?period=${word}`);
    expect(per.status).toBe(400);
    expect(per.body.error.field).toBe('period');
  });

  it('an upload with one good item and one status "__proto__" is 400 and writes neither', async () => {
    const [a, b] = [
      await makeClick(ctx.app.db, partnerId, campaignId),
      await makeClick(ctx.app.db, partnerId, campaignId),
    ];
    const ledgerBefore = await countRows(ctx.app.db, 'ledger_entries', { partner_id: partnerId });
    const before = await countRows(ctx.app.db, 'conversions', { partner_id: partnerId });
    const res = await api(ctx, 'POST', '/api/v1/conversions', [
      { clickid: a, type: 'lead', status: 'approved' },
      { clickid: b, type: 'lead', status: '__proto__' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('[1].status');
    expect(await countRows(ctx.app.db, 'conversions', { partner_id: partnerId })).toBe(before);
    expect(await countRows(ctx.app.db, 'ledger_entries', { partner_id: partnerId })).toBe(ledgerBefore);
  });

  it('an update batch with one status "constructor" is 400 and changes nothing', async () => {
    const click = await makeClick(ctx.app.db, partnerId, campaignId);
    const up = await api(ctx, 'POST', '/api/v1/conversions', [{ clickid: click, type: 'lead', status: 'pending' }]);
    const id = up.body.results[0].conversion_id;
    const res = await api(ctx, 'POST', '/api/v1/conversions/update', [
      { conversion_id: id, status: 'approved' },
      { conversion_id: id, status: 'constructor' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('[1].status');
    expect((await ctx.app.db('conversions').where({ id }).first()).status).toBe('pending');
  });

  it('a postback macro {constructor} is refused by its name, with no nonsense suggestion', async () => {
    for (const word of ['constructor', 'toString', 'hasOwnProperty']) {
      const res = await api(ctx, 'POST', '/api/v1/postbacks', {
        partner_id: partnerId,
        url: `https://t.example.com/pb?c={${word}}`,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('unknown_macro');
      expect(res.body.error.message).toContain(`{${word}}`);
      expect(res.body.error.message).not.toMatch(/function|native code/);
    }
    expect(await countRows(ctx.app.db, 'postbacks', { partner_id: partnerId })).toBe(0);
  });

  it('a landing URL keeps {constructor} as written, like any unknown macro', async () => {
    const res = await api(ctx, 'GET', `/t/${campaignId}?pid=${partnerId}`, undefined, null);
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location).toContain('x={constructor}');
    expect(location).toContain('y={__proto__}');
  });

  it('a conversion type named "constructor" counts in reports from zero', async () => {
    const odd = await makeCampaign(ctx.app.db, {}, [
      { type: 'constructor', amount: 100 },
      { type: 'lead', amount: 200 },
    ]);
    await grantAccess(ctx.app.db, partnerId, odd);
    const a = await makeClick(ctx.app.db, partnerId, odd, { sub1: 'a' });
    const b = await makeClick(ctx.app.db, partnerId, odd, { sub1: 'b' });
    const up = await api(ctx, 'POST', '/api/v1/conversions', [
      { clickid: a, type: 'constructor' },
      { clickid: b, type: 'lead' },
    ]);
    expect(up.body.created).toBe(2);
    const q = `/api/v1/report?group=sub1&campaign_id=${odd}&period=30d`;
    const json = await api(ctx, 'GET', q);
    expect(json.status).toBe(200);
    expect(json.body.totals.by_type).toEqual({ constructor: 1, lead: 1 });
    expect(json.body.rows.map((r: { by_type: unknown }) => r.by_type)).toEqual([
      { constructor: 1 },
      { lead: 1 },
    ] as unknown[]);
    const csv = await api(ctx, 'GET', `${q}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toMatch(/function|native code|NaN/);
  });

  describe('in chat', () => {
    let core: BotCore;
    let user: ChatUser;
    beforeAll(async () => {
      core = createBotCore(ctx.app);
      user = { platform: 'telegram', userId: `u-${flavor}-keys`, chatId: `c-${flavor}-keys` };
      const { code } = await issueLinkCode(ctx.app, partnerId);
      expect(said(await core.handleText(user, `/link ${code}`))).toMatch(/^Linked/);
    });

    it.each(PROTO_WORDS)('"report 7d by %s" names the accepted dimensions', async (word) => {
      const text = said(await core.handleText(user, `/report 7d by ${word}`));
      expect(text).not.toMatch(/something went wrong/i);
      expect(text).toContain('by takes one of');
    });

    it.each(PROTO_WORDS)('"%s" as a period, a command, a type, a zone or an hour gets a clear answer', async (word) => {
      expect(said(await core.handleText(user, `/report ${word}`))).not.toMatch(/something went wrong/i);
      expect(said(await core.handleText(user, `/${word}`))).not.toMatch(/something went wrong/i);
      expect(said(await core.handleText(user, `/conversions ${word}`))).not.toMatch(/something went wrong/i);
      expect(said(await core.handleText(user, `/timezone ${word}`))).not.toMatch(/something went wrong/i);
      expect(said(await core.handleText(user, `/digest weekly ${word}`))).not.toMatch(/something went wrong/i);
    });
  });
});
