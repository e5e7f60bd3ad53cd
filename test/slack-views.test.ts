import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import type { SlackCall } from './helpers/fake-slack.js';
import { grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { DB_FLAVORS } from './helpers/harness.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';
import { addClick } from './helpers/report-facts.js';
import { type SlackTestApp, startSlackTestApp } from './helpers/slack-app.js';
import { readBlocks } from './helpers/slack-driver.js';
import {
  blockActionPayload,
  signedEvent,
  signedInteraction,
  signedSlashCommand,
  viewSubmissionPayload,
} from './helpers/slack-signing.js';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit views are asserted field by field
type View = Record<string, any>;
const textOf = (view: View | undefined) => readBlocks(view?.['blocks'] ?? []).text;

/** App Home, modals opened from Home with inline validation, uploads and the refusals Slack may answer. */
describe.each(DB_FLAVORS)('Slack Home and modals on %s', (flavor) => {
  let s: SlackTestApp;
  let rx: Receiver;
  let n = 0;
  const linkedUser = async (name: string) => {
    n += 1;
    const partnerId = await makePartner(s.ctx.app.db, { name });
    const userId = `U0VIEW${String(n).padStart(4, '0')}`;
    const { code } = await issueLinkCode(s.ctx.app, partnerId);
    const rid = `${userId}-link`;
    await s.post(signedSlashCommand(s.secret, { userId, text: `link ${code}`, responseUrl: s.fake.responseUrl(rid) }));
    await s.fake.waitFor((calls) => calls.some((c) => c.pathId === rid));
    return { partnerId, userId };
  };
  const lastOf = (method: string, pred: (c: SlackCall) => boolean) =>
    [...s.fake.calls].reverse().find((c) => c.method === method && pred(c));

  beforeAll(async () => {
    rx = await startReceiver();
    s = await startSlackTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  it('Home of an unlinked user says how to link', async () => {
    await s.post(
      signedEvent(s.secret, { type: 'app_home_opened', user: 'U0NOLINK01', tab: 'home', channel: 'D0NOLINK01' }),
    );
    await s.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'views.publish' && c.args['user_id'] === 'U0NOLINK01'),
    );
    const view = lastOf('views.publish', (c) => c.args['user_id'] === 'U0NOLINK01')?.args['view'] as View;
    expect(view['type']).toBe('home');
    expect(textOf(view)).toContain('/pd link CODE');
  });

  it('Home of a linked partner shows balance, 7-day figures, postback health and buttons', async () => {
    const { userId } = await linkedUser('Home Partner');
    await s.post(
      signedEvent(s.secret, { type: 'app_home_opened', user: userId, tab: 'home', channel: `D${userId.slice(1)}` }),
    );
    await s.fake.waitFor((calls) => calls.some((c) => c.method === 'views.publish' && c.args['user_id'] === userId));
    const view = lastOf('views.publish', (c) => c.args['user_id'] === userId)?.args['view'] as View;
    const text = textOf(view);
    expect(text).toContain('Balance of Home Partner');
    expect(text).toMatch(/Dashboard · last 7 days|Clicks: \d+ \(/);
    expect(text).toMatch(/postback/i);
    const labels = (view['blocks'] as View[])
      .filter((b) => b['type'] === 'actions')
      .flatMap((b) => (b['elements'] as View[]).map((e) => e['text']['text']));
    expect(labels).toEqual(['Report (7 days)', 'Campaigns', 'Set postback', 'Payments', 'Payment method']);
    expect(view['blocks'].length).toBeLessThanOrEqual(100);
  });

  it('a Home button opens a loading modal at once, then the postback set-up with inline validation', async () => {
    const { partnerId, userId } = await linkedUser('Modal Partner');
    const triggerId = `trig-${userId}`;
    const click = blockActionPayload({
      userId,
      actionId: 'pd:h:2',
      value: 'postback set',
      triggerId,
      view: { id: 'VHOME', type: 'home' },
    });
    const res = await s.post(signedInteraction(s.secret, click));
    expect(res.status).toBe(200);
    await s.fake.waitFor((calls) => calls.some((c) => c.method === 'views.update' && c.args['view_id']));
    const open = lastOf('views.open', (c) => c.args['trigger_id'] === triggerId);
    expect(textOf(open?.args['view'])).toContain('Loading');
    const update = lastOf('views.update', () => true);
    const modal = update?.args['view'] as View;
    expect(textOf(modal)).toContain('step 1 of 3');
    expect(modal['submit']?.['text']).toBe('Send');

    // A URL with an unknown macro: the modal keeps it and says why under the input.
    const bad = viewSubmissionPayload({
      userId,
      callbackId: 'pd:modal',
      viewId: String(update?.args['view_id']),
      values: { 'pd:in': { 'pd:v': { type: 'plain_text_input', value: 'https://t.example.com/pb?c={clik_id}' } } },
    });
    const refused = await s.post(signedInteraction(s.secret, bad));
    expect(refused.status).toBe(200);
    const answer = JSON.parse(refused.text);
    expect(answer.response_action).toBe('errors');
    expect(answer.errors['pd:in']).toContain('{clik_id}');

    // A good one: the preview with a real test fire, then Save.
    rx.script(`/m-${partnerId}`, [{ status: 200, body: 'ok' }]);
    const good = viewSubmissionPayload({
      userId,
      callbackId: 'pd:modal',
      viewId: String(update?.args['view_id']),
      values: { 'pd:in': { 'pd:v': { type: 'plain_text_input', value: `${rx.url}/m-${partnerId}?r={ref_id}` } } },
    });
    const accepted = await s.post(signedInteraction(s.secret, good));
    const next = JSON.parse(accepted.text);
    expect(next.response_action).toBe('update');
    expect(textOf(next.view)).toContain('Step 2 of 3: preview');
    expect(rx.on(`/m-${partnerId}`)).toHaveLength(1);
    const save = (next.view.blocks as View[])
      .flatMap((b) => (b['type'] === 'actions' ? (b['elements'] as View[]) : []))
      .find((e) => e['text']['text'] === 'Save');
    expect(save).toBeDefined();
    const press = blockActionPayload({
      userId,
      actionId: save?.['action_id'],
      value: save?.['value'],
      view: { id: String(update?.args['view_id']), type: 'modal' },
    });
    const before = s.fake.sent('views.update').length;
    await s.post(signedInteraction(s.secret, press));
    await s.fake.waitFor(() => s.fake.sent('views.update').length > before);
    expect(textOf(lastOf('views.update', () => true)?.args['view'])).toMatch(/Saved postback #\d+/);
    expect(await s.ctx.app.db('postbacks').where({ partner_id: partnerId })).toHaveLength(1);
  });

  it('an expired trigger_id answers in the DM instead', async () => {
    const { userId } = await linkedUser('Late Partner');
    s.fake.failWith('views.open', 'expired_trigger_id');
    const click = blockActionPayload({
      userId,
      actionId: 'pd:h:3',
      value: 'payments',
      view: { id: 'VHOME2', type: 'home' },
    });
    await s.post(signedInteraction(s.secret, click));
    const dm = `D${userId.slice(1)}`;
    await s.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args['channel'] === dm));
    expect(String(lastOf('chat.postMessage', (c) => c.args['channel'] === dm)?.args['text'])).toMatch(/payment/i);
  });

  it('a report from a shared channel: the table ephemeral, the chart uploaded into the DM only', async () => {
    const { partnerId, userId } = await linkedUser('Chart Partner');
    const campaign = await makeCampaign(s.ctx.app.db, { name: 'Chart Campaign' });
    await grantAccess(s.ctx.app.db, partnerId, campaign);
    await addClick(s.ctx.app.db, { partnerId, campaignId: campaign, at: Date.now() - 3_600_000 });
    const rid = `${userId}-rep`;
    await s.post(
      signedSlashCommand(s.secret, {
        userId,
        text: 'report 7d',
        channelId: 'C0SHARED02',
        responseUrl: s.fake.responseUrl(rid),
      }),
    );
    const dm = `D${userId.slice(1)}`;
    await s.fake.waitFor((calls) =>
      calls.some((c) => c.method === 'files.completeUploadExternal' && c.args['channel_id'] === dm),
    );
    await s.fake.waitFor((calls) => calls.filter((c) => c.pathId === rid).length >= 2);
    const answers = s.fake.calls.filter((c) => c.pathId === rid);
    expect(answers.every((c) => c.args['response_type'] === 'ephemeral')).toBe(true);
    expect(JSON.stringify(answers[0]?.args['blocks'])).toContain('"type":"table"');
    expect(String(answers[1]?.args['text'])).toContain('sent the files to our direct messages');
    expect(s.fake.calls.some((c) => JSON.stringify(c.args).includes('C0SHARED02') && c.method !== 'response_url')).toBe(
      false,
    );
    const upload = s.fake.calls.filter((c) => c.method === 'upload');
    expect(upload.length).toBeGreaterThan(0);
  });
});
