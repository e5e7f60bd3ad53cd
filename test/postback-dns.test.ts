import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotCore, createBotCore } from '../bots/core/bot-core.js';
import type { ChatUser } from '../bots/core/command.js';
import { plainLine, type Reply } from '../bots/core/reply.js';
import { createApiKey } from '../src/app/admin/api-keys.js';
import { issueLinkCode } from '../src/app/chat/issue-link-code.js';
import type { ResolveHost } from '../src/outbound/safe-http.js';
import { makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

const said = (replies: Reply[]) =>
  replies.flatMap((r) => r.blocks.flatMap((b) => (b.kind === 'text' ? b.lines.map(plainLine) : []))).join('\n');
const labels = (replies: Reply[]) => replies.flatMap((r) => (r.buttons ?? []).flat().map((b) => b.label));

const dnsError = (code: string) => Object.assign(new Error(`getaddrinfo ${code}`), { code });

/**
 * DNS played without a DNS server: nxdomain.example does not exist, every *.down.example look-up finds the
 * resolver failing (EAI_AGAIN: no answer, ESERVFAIL), and ok.example is a public address.
 */
const fakeDns: ResolveHost = async (host) => {
  if (host === 'nxdomain.example') throw dnsError('ENOTFOUND');
  if (host === 'servfail.down.example') throw dnsError('ESERVFAIL');
  if (host.endsWith('.down.example')) throw dnsError('EAI_AGAIN');
  return ['93.184.216.34'];
};

describe.each(DB_FLAVORS)('postback host checks tell "no such name" from "DNS is down" (%s)', (flavor) => {
  let ctx: TestContext;
  let core: BotCore;
  let partnerId: number;
  let partnerKey: string;
  let n = 0;
  const chatUser = async (): Promise<ChatUser> => {
    n += 1;
    const user: ChatUser = { platform: 'console', userId: `dns-${n}`, chatId: `dns-${n}` };
    const { code } = await issueLinkCode(ctx.app, partnerId);
    expect(said(await core.handleText(user, `link ${code}`))).toMatch(/^Linked/);
    return user;
  };

  beforeAll(async () => {
    ctx = await startTestApp(flavor);
    ctx.app.resolveHost = fakeDns;
    core = createBotCore(ctx.app);
    partnerId = await makePartner(ctx.app.db, { name: 'Dns Partner' });
    partnerKey = (await createApiKey(ctx.app, { name: 'dns partner', role: 'partner', partnerId })).key;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('chat: a name that does not exist is refused, with the reason on the same line', async () => {
    const user = await chatUser();
    const r = said(await core.handleText(user, 'postback set https://nxdomain.example/pb?c={ref_id}'));
    expect(r).toContain(
      'That URL cannot be used: the host nxdomain.example does not exist (ENOTFOUND); check its spelling',
    );
    expect(r).not.toContain('Step 2 of 3');
  });

  it('chat: a resolver that failed lets the set-up go on to preview and test fire, and Save saves', async () => {
    const user = await chatUser();
    const url = 'https://partner.down.example/pb?c={ref_id}';
    const replies = await core.handleText(user, `postback set ${url}`);
    const r = said(replies);
    expect(r).not.toMatch(/check its spelling|does not exist|cannot be used/);
    expect(r).toContain('Step 2 of 3: preview');
    expect(r).toContain('We could not check the host right now (EAI_AGAIN');
    expect(r).toContain('you can save it now');
    expect(labels(replies)).toEqual(['Save', 'Cancel']);
    expect(said(await core.handleAction(user, 'postback:save'))).toMatch(/Saved postback #\d+/);
    const rows = await ctx.app.db('postbacks').where({ partner_id: partnerId, url });
    expect(rows).toHaveLength(1);
  });

  it('chat: SERVFAIL reads as a resolver failure too', async () => {
    const user = await chatUser();
    const r = said(await core.handleText(user, 'postback set https://servfail.down.example/pb?c={ref_id}'));
    expect(r).toContain('We could not check the host right now (ESERVFAIL');
  });

  it('API: no such name is 400 postback_host_unresolvable; a failed resolver is 503 postback_host_unchecked', async () => {
    const missing = await api(ctx, 'POST', '/api/v1/postbacks', { url: 'https://nxdomain.example/pb' }, partnerKey);
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('postback_host_unresolvable');
    expect(missing.body.error.message).toContain('does not exist (ENOTFOUND); check its spelling');
    const down = await api(ctx, 'POST', '/api/v1/postbacks', { url: 'https://api.down.example/pb' }, partnerKey);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('postback_host_unchecked');
    expect(down.body.error.message).toContain('could not check the host api.down.example right now (EAI_AGAIN');
    expect(down.body.error.message).not.toContain('spelling');
    expect(await ctx.app.db('postbacks').where({ url: 'https://api.down.example/pb' })).toHaveLength(0);
  });
});
