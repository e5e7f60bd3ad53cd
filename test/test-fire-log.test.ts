import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotCore, createBotCore } from '../bots/core/bot-core.js';
import type { ChatUser } from '../bots/core/command.js';
import { plainLine, type Reply } from '../bots/core/reply.js';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import { makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';

const said = (replies: Reply[]) =>
  replies.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(plainLine) : []))).join('\n');

describe.each(DB_FLAVORS)('test fires appear in the logs, marked as tests (%s)', (flavor) => {
  let ctx: TestContext;
  let rx: Receiver;
  let core: BotCore;
  let partnerId: number;
  let otherId: number;
  let key: string;
  let otherKey: string;
  let postbackId: number;
  const user: ChatUser = { platform: 'console', userId: 'tf-1', chatId: 'tf-1' };

  beforeAll(async () => {
    rx = await startReceiver();
    ctx = await startTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    core = createBotCore(ctx.app);
    partnerId = await makePartner(ctx.app.db, { name: 'Fire Partner' });
    otherId = await makePartner(ctx.app.db, { name: 'Other Partner' });
    key = (await createApiKey(ctx.app, { name: 'fire', role: 'partner', partnerId })).key;
    otherKey = (await createApiKey(ctx.app, { name: 'other', role: 'partner', partnerId: otherId })).key;
    rx.script('/tf', [{ status: 202, body: 'got it' }]);
    const saved = await api(ctx, 'POST', '/api/v1/postbacks', { url: `${rx.url}/tf?c={ref_id}` }, key);
    expect(saved.status).toBe(201);
    postbackId = saved.body.id;
    const { code } = await issueLinkCode(ctx.app, partnerId);
    expect(said(await core.handleText(user, `link ${code}`))).toMatch(/^Linked/);
  });
  afterAll(async () => {
    await ctx?.close();
    await rx?.close();
  });

  it('postback log lists the test fires of chat and API, marked TEST, though no delivery exists', async () => {
    expect(said(await core.handleText(user, `postback test ${postbackId}`))).toContain('Answered HTTP 202');
    const viaApi = await api(ctx, 'POST', `/api/v1/postbacks/${postbackId}/test`, {}, key);
    expect(viaApi.status).toBe(200);
    expect(rx.on('/tf')).toHaveLength(2);
    const log = said(await core.handleText(user, `postback log ${postbackId}`));
    expect(log).toContain(`Postback #${postbackId}: no deliveries yet`);
    expect(log).toContain('Test fires (last 2)');
    expect(log.match(/ · TEST · HTTP 202 · \d+ ms/g)).toHaveLength(2);
  });

  it('GET /api/v1/deliveries/tests lists them as kind test, an unsaved URL too; others see none', async () => {
    const unsaved = await api(ctx, 'POST', '/api/v1/postbacks/test', { url: `${rx.url}/tf?c={ref_id}&unsaved=1` }, key);
    expect(unsaved.status).toBe(200);
    const page = await api(ctx, 'GET', '/api/v1/deliveries/tests', undefined, key);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(3);
    for (const t of page.body.items) {
      expect(t.kind).toBe('test');
      expect(t.partner_id).toBe(partnerId);
      expect(t.status).toBe(202);
    }
    expect(page.body.items[0].postback_id).toBeNull();
    expect(page.body.items[0].url).toContain('unsaved=1');
    expect(page.body.items.slice(1).map((t: { postback_id: number }) => t.postback_id)).toEqual([
      postbackId,
      postbackId,
    ]);
    const one = await api(ctx, 'GET', `/api/v1/deliveries/tests?postback_id=${postbackId}&limit=1`, undefined, key);
    expect(one.body.items).toHaveLength(1);
    expect(one.body.next_before_id).toBe(one.body.items[0].id);
    const other = await api(ctx, 'GET', '/api/v1/deliveries/tests', undefined, otherKey);
    expect(other.body.items).toEqual([]);
    const admin = await api(ctx, 'GET', `/api/v1/deliveries/tests?partner_id=${partnerId}`);
    expect(admin.body.items).toHaveLength(3);
    // The delivery list itself stays a list of deliveries.
    expect((await api(ctx, 'GET', '/api/v1/deliveries', undefined, key)).body.items).toEqual([]);
  });
});
