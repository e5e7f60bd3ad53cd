import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotCore, createBotCore } from '../bots/core/bot-core.js';
import type { ChatUser } from '../bots/core/command.js';
import type { Reply } from '../bots/core/reply.js';
import { renderTextBlocks } from '../bots/telegram/render-html.js';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, startTestApp, type TestContext } from './helpers/harness.js';

/** Telegram HTML of the text of an answer, as the partner's phone gets it. */
const html = (replies: Reply[]) => replies.map((r) => renderTextBlocks(r.blocks)).join('\n\n');

// Hints are wording, not data: one database flavor is enough.
describe('command hints are tappable on Telegram (/command), plain words elsewhere', () => {
  let ctx: TestContext;
  let core: BotCore;
  let campaignId: number;
  const tg: ChatUser = { platform: 'telegram', userId: 'h-tg', chatId: 'h-tg' };
  const term: ChatUser = { platform: 'console', userId: 'h-con', chatId: 'h-con' };

  beforeAll(async () => {
    ctx = await startTestApp('sqlite', { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    core = createBotCore(ctx.app);
    const partnerId = await makePartner(ctx.app.db, { name: 'Hint Partner' });
    campaignId = await makeCampaign(ctx.app.db, { name: 'Hint Casino', deeplink_domains: '["shop.example.com"]' });
    await grantAccess(ctx.app.db, partnerId, campaignId);
    for (const u of [tg, term]) {
      const { code } = await issueLinkCode(ctx.app, partnerId);
      await core.handleText(u, `/link ${code}`);
    }
  });
  afterAll(async () => ctx?.close());

  it('before a postback exists: /postback set, /campaign ID, /trace CLICKID', async () => {
    const none = html(await core.handleText(tg, '/postback'));
    expect(none).toContain('Set one up: /postback set');
    expect(none).not.toContain('<code>postback set</code>');
    expect(html(await core.handleText(tg, '/postback log'))).toContain('set one up with /postback set.');
    expect(html(await core.handleText(tg, '/campaign'))).toContain('Send /campaign ID; /campaigns lists yours.');
    expect(html(await core.handleText(tg, '/trace'))).toContain('Send the click id from your tracker: /trace CLICKID');
    expect(html(await core.handleText(tg, `/campaign ${campaignId}`))).toContain(`: send /deeplink ${campaignId} URL`);
    expect(html(await core.handleText(tg, '/report 7d by colour'))).toContain('Usage: /report [period] [by DIM]');
    // The console keeps the words as today.
    const con = html(await core.handleText(term, 'postback'));
    expect(con).toContain('Set one up: <code>postback set</code>');
    expect(html(await core.handleText(term, 'report 7d by colour'))).toContain('Usage: <code>report [period] [by DIM]');
    expect(html(await core.handleText(term, 'campaign'))).toContain(
      'Send &quot;campaign ID&quot;; &quot;campaigns&quot; lists yours.',
    );
  });

  it('with a postback: /postback test ID and /postback log ID', async () => {
    const key = (await createApiKey(ctx.app, { name: 'h', role: 'partner', partnerId: await partnerOf(tg) })).key;
    expect((await api(ctx, 'POST', '/api/v1/postbacks', { url: 'http://127.0.0.1:9/pb' }, key)).status).toBe(201);
    const shown = html(await core.handleText(tg, '/postback'));
    expect(shown).toContain('Test one: /postback test ID · deliveries: /postback log ID');
  });

  async function partnerOf(u: ChatUser): Promise<number> {
    const row = await ctx.app.db('chat_identities').where({ platform: u.platform, user_id: u.userId }).first();
    return Number(row.partner_id);
  }
});
