import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerExtension } from '../bots/slack/manager/register.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS } from './helpers/harness.js';
import { convert, makeDelivery, makePostback } from './helpers/manager-fixtures.js';
import { type SlackTestApp, startSlackTestApp } from './helpers/slack-app.js';
import { blockActionPayload, signedInteraction, signedSlashCommand } from './helpers/slack-signing.js';

const CHANNEL = 'CMGRBOLT01';

describe.each(DB_FLAVORS)('manager commands through /slack/events (%s)', (flavor) => {
  let s: SlackTestApp;
  let partnerId: number;
  let postbackId: number;
  let seq = 0;

  beforeAll(async () => {
    s = await startSlackTestApp(flavor, { SLACK_MANAGER_CHANNEL: CHANNEL, SLACK_MANAGER_USERS: 'UBOSS1' });
    await s.bot.registerExtension(managerExtension());
    const db = s.ctx.app.db;
    const campaignId = await makeCampaign(db);
    partnerId = await makePartner(db, { name: 'Bolt Media', email: 'ops@bolt.example' });
    await grantAccess(db, partnerId, campaignId);
    const conv = await convert(s.ctx, partnerId, campaignId, 'bolt1');
    postbackId = await makePostback(db, partnerId, 'https://hooks.bolt.example/pb');
    await makeDelivery(db, { postbackId, partnerId, conversionId: conv, state: 'dead', status: 502 });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function slash(userId: string, text: string, channelId = CHANNEL) {
    const rid = `R${++seq}`;
    const res = await s.post(
      signedSlashCommand(s.secret, { userId, text, channelId, responseUrl: s.fake.responseUrl(rid) }),
    );
    expect(res.status).toBe(200);
    await s.fake.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.pathId === rid));
    return s.fake.calls.find((c) => c.method === 'response_url' && c.pathId === rid)?.args ?? {};
  }

  it('a listed manager in the channel gets the partner, only to themselves', async () => {
    const a = await slash('UBOSS1', `partner ${partnerId}`);
    expect(a['response_type']).toBe('ephemeral');
    expect(a['text']).toBe(`Bolt Media (#${partnerId}): $50.00 available`);
  });

  it('anyone else is refused with who may', async () => {
    const a = await slash('UOTHER', 'failing');
    expect(a['response_type']).toBe('ephemeral');
    expect(a['text']).toBe(`This is a manager command. Only <@UBOSS1> in <#${CHANNEL}> may run it.`);
    const elsewhere = await slash('UBOSS1', 'top', 'CRANDOM01');
    expect(elsewhere['text']).toContain('Only <@UBOSS1>');
  });

  it('linkcode is ephemeral; replay is announced in the channel', async () => {
    const code = await slash('UBOSS1', `linkcode ${partnerId}`);
    expect(code['response_type']).toBe('ephemeral');
    expect(String(code['text'])).toMatch(/^Link code for Bolt Media/);
    const replay = await slash('UBOSS1', `replay ${postbackId}`);
    expect(replay['response_type']).toBe('in_channel');
    expect(replay['text']).toContain('replayed 1 dead deliveries');
  });

  it('a partner word still reaches the partner side', async () => {
    const a = await slash('UPARTNER9', 'help', 'DPARTNER9');
    expect(String(a['text'] ?? JSON.stringify(a['blocks']))).not.toContain('manager command');
  });

  it('the mute button of an alert answers in the alert thread', async () => {
    const payload = {
      ...blockActionPayload({
        userId: 'UBOSS1',
        actionId: 'mgr:mute',
        value: String(postbackId),
        channelId: CHANNEL,
        responseUrl: s.fake.responseUrl('RBTN'),
      }),
      message: { ts: '1700000000.000100', type: 'message', text: 'alert' },
    };
    const res = await s.post(signedInteraction(s.secret, payload));
    expect(res.status).toBe(200);
    await s.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'chat.postMessage' && c.args['thread_ts'] === '1700000000.000100'),
    );
    const post = s.fake.sent('chat.postMessage').find((c) => c.args['thread_ts'] === '1700000000.000100');
    expect(post?.args['channel']).toBe(CHANNEL);
    expect(String(post?.args['text'])).toContain(`<@UBOSS1> muted alerts of postback #${postbackId}`);
  });
});
