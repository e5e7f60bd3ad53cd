import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerCommands, type ManagerCommands } from '../bots/slack/manager/manager-commands.js';
import { createManagerGate } from '../src/app/managers/manager-authorize.js';
import { createManagerWebClient, listChannelMembers } from '../src/jobs/manager/manager-channel.js';
import { type FakeSlack, startFakeSlack } from './helpers/fake-slack.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { convert, makeDelivery, makePostback } from './helpers/manager-fixtures.js';

const CHANNEL = 'CMGR00001';
const blocksText = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe.each(DB_FLAVORS)('manager commands (%s)', (flavor) => {
  let fake: FakeSlack;
  let ctx: TestContext;
  let listed: ManagerCommands;
  let members: ManagerCommands;
  let partnerId: number;
  let postbackId: number;

  beforeAll(async () => {
    fake = await startFakeSlack();
    ctx = await startTestApp(flavor);
    const db = ctx.app.db;
    const campaignId = await makeCampaign(db);
    partnerId = await makePartner(db, { name: 'Acme Ads', email: 'ops@acme.example' });
    await grantAccess(db, partnerId, campaignId);
    const conv = await convert(ctx, partnerId, campaignId, 'm1');
    postbackId = await makePostback(db, partnerId, 'https://hooks.acme.example/pb?c={clickid}');
    await makeDelivery(db, { postbackId, partnerId, conversionId: conv, state: 'dead', status: 500 });
    const client = createManagerWebClient('xoxb-test', fake.apiUrl);
    fake.setMembers(CHANNEL, ['UMEMBER1', 'UMEMBER2']);
    const opts = { timezone: 'UTC' };
    listed = createManagerCommands(
      ctx.app,
      createManagerGate({ channel: CHANNEL, users: ['UBOSS1', 'UBOSS2'] }, (c) => listChannelMembers(client, c)),
      opts,
    );
    members = createManagerCommands(
      ctx.app,
      createManagerGate({ channel: CHANNEL, users: [] }, (c) => listChannelMembers(client, c)),
      opts,
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('refuses anyone but the listed managers, naming who may', async () => {
    const a = await listed.command({ userId: 'USTRANGER', channelId: CHANNEL, text: `partner ${partnerId}` });
    expect(a.visibility).toBe('ephemeral');
    expect(a.message.text).toBe(`This is a manager command. Only <@UBOSS1>, <@UBOSS2> in <#${CHANNEL}> may run it.`);
    expect(blocksText(a.message)).not.toContain('Acme');
  });

  it('refuses a listed manager outside the manager channel', async () => {
    const a = await listed.command({ userId: 'UBOSS1', channelId: 'CGENERAL', text: 'failing' });
    expect(a.message.text).toContain(`Only <@UBOSS1>, <@UBOSS2> in <#${CHANNEL}> may run it`);
  });

  it('with no list, every member of the channel may (conversations.members), others may not', async () => {
    const ok = await members.command({ userId: 'UMEMBER2', channelId: CHANNEL, text: `partner ${partnerId}` });
    expect(ok.message.text).toContain('Acme Ads');
    const no = await members.command({ userId: 'UOUTSIDER', channelId: CHANNEL, text: `partner ${partnerId}` });
    expect(no.message.text).toBe(`This is a manager command. Only members of <#${CHANNEL}> may run it.`);
    // The member list is cached: two commands, one look-up.
    expect(fake.sent('conversations.members')).toHaveLength(1);
  });

  it('partner ID|email: profile, balance, 7-day figures, chats, postback health', async () => {
    for (const ref of [String(partnerId), 'ops@acme.example']) {
      const a = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: `partner ${ref}` });
      expect(a.visibility).toBe('ephemeral');
      const b = blocksText(a.message);
      expect(a.message.text).toBe(`Acme Ads (#${partnerId}): $50.00 available`);
      for (const s of [
        'ops@acme.example',
        'Available',
        '$50.00',
        'last 7 days',
        'Linked chats',
        `#${postbackId}`,
        'https://hooks.acme.example:443',
        'HTTP 500',
      ]) {
        expect(b).toContain(s);
      }
    }
    // Slack turns a typed address into a mailto link in the command text.
    const linked = await listed.command({
      userId: 'UBOSS1',
      channelId: CHANNEL,
      text: 'partner <mailto:ops@acme.example|ops@acme.example>',
    });
    expect(linked.message.text).toBe(`Acme Ads (#${partnerId}): $50.00 available`);
    const help = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: 'manager' });
    expect(blocksText(help.message)).toContain('/pd failing');
    const missing = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: 'partner 987654' });
    expect(missing.message.text).toContain('no partner with id 987654');
  });

  it('linkcode: a single-use code only the manager sees', async () => {
    const a = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: `linkcode ops@acme.example` });
    expect(a.visibility).toBe('ephemeral');
    const code = /: ([0-9A-Z]{8})$/.exec(a.message.text)?.[1];
    expect(code).toBeDefined();
    expect(blocksText(a.message)).toContain(`/pd link ${code}`);
    expect(await ctx.app.db('link_codes').where({ partner_id: partnerId }).count('* as n').first()).toMatchObject({
      n: expect.anything(),
    });
  });

  it('top [period]: partners by payout for the period', async () => {
    const a = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: 'top 7d' });
    expect(a.message.text).toContain('Top partners last 7 days');
    expect(blocksText(a.message)).toContain('1. *Acme Ads*');
    const bad = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: 'top fortnight' });
    expect(bad.message.text).toContain('unknown period');
  });

  it('failing: the endpoint with its last error and buttons', async () => {
    const a = await listed.command({ userId: 'UBOSS1', channelId: CHANNEL, text: 'failing' });
    const b = blocksText(a.message);
    expect(b).toContain('Acme Ads');
    expect(b).toContain('HTTP 500');
    expect(b).toContain('mgr:replay');
    expect(b).toContain('mgr:attempt');
  });

  it('replay POSTBACK_ID: dead deliveries go back to pending, announced in the channel', async () => {
    const a = await listed.command({ userId: 'UBOSS2', channelId: CHANNEL, text: `replay ${postbackId}` });
    expect(a.visibility).toBe('in_channel');
    expect(a.message.text).toBe(
      `<@UBOSS2> replayed 1 dead deliveries of postback #${postbackId} (partner #${partnerId})`,
    );
    const again = await listed.command({ userId: 'UBOSS2', channelId: CHANNEL, text: `replay ${postbackId}` });
    expect(again.message.text).toContain('has no dead deliveries');
  });

  it('buttons are authorised like commands: mute and last attempt', async () => {
    const no = await listed.action({
      userId: 'USTRANGER',
      channelId: CHANNEL,
      actionId: 'mgr:mute',
      value: String(postbackId),
    });
    expect(no.message.text).toContain('Only <@UBOSS1>');
    const mute = await listed.action({
      userId: 'UBOSS1',
      channelId: CHANNEL,
      actionId: 'mgr:mute',
      value: String(postbackId),
    });
    expect(mute.message.text).toContain(`muted alerts of postback #${postbackId}`);
    expect(
      Number((await ctx.app.db('manager_mutes').where({ postback_id: postbackId }).first()).muted_until),
    ).toBeGreaterThan(Date.now());
    const att = await listed.action({
      userId: 'UBOSS1',
      channelId: CHANNEL,
      actionId: 'mgr:attempt',
      value: String(postbackId),
    });
    expect(att.message.text).toBe(`Last attempt of postback #${postbackId}: HTTP 500`);
  });
});
