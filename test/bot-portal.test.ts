import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatUser, CommandContext } from '../bots/core/command.js';
import { portalCommands, portalFlows } from '../bots/core/commands/portal/index.js';
import { currentFlow } from '../bots/core/conversation-state.js';
import { plainLine, type Reply } from '../bots/core/reply.js';
import { savePostback } from '../src/app/postbacks/save-postback.js';
import { type ChartRenderer, createChartRenderer } from '../src/charts/index.js';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { addPromoMaterial, grantAccess, makeCampaign, makePartner } from './helpers/fixtures.js';
import { api, DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { randomPrefix } from './helpers/relay-fixtures.js';
import { addClick } from './helpers/report-facts.js';

/** The real renderer, unless a test switches it to failing: a chart failure must never cost the table. */
const chart = { fail: false, last: undefined as unknown };
function switchableCharts(): ChartRenderer {
  const real = createChartRenderer();
  return {
    render: async (spec) => {
      chart.last = spec;
      if (chart.fail) throw new Error('renderer down');
      return real.render(spec);
    },
    close: () => real.close(),
  };
}

/** Everything the partner reads in a reply, as plain text (tables as "a | b" lines, files and images named). */
function plain(r: Reply | Reply[]): string {
  const out: string[] = [];
  for (const rep of Array.isArray(r) ? r : [r]) {
    for (const b of rep.blocks) {
      if (b.kind === 'text') out.push(...b.lines.map(plainLine));
      else if (b.kind === 'table') {
        out.push(b.columns.map((c) => c.title).join(' | '), ...b.rows.map((row) => row.join(' | ')));
        if (b.totals) out.push(b.totals.join(' | '));
      } else if (b.kind === 'file') out.push(`[file ${b.filename}]`);
      else if (b.kind === 'image_url') out.push(`[image ${b.url}]`);
      else out.push('[image]');
    }
  }
  return out.join('\n');
}

const first = (r: Reply | Reply[]): Reply => (Array.isArray(r) ? r[0]! : r);
const cmd = (name: string) => {
  const c = portalCommands.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name}`);
  return c;
};
const actionsOf = (r: Reply | Reply[]) =>
  (first(r).buttons ?? []).flat().flatMap((b) => ('action' in b ? [b.action] : []));

describe.each(DB_FLAVORS)('bot portal commands on %s', (flavor) => {
  let ctx: TestContext;
  let rx: Receiver;
  let relay: RunningRelay;
  let a: number;
  let b: number;
  let alpha: number;
  let beta: number;
  let pending: number;
  let clickA: string;
  let clickB: string;
  let landingId: number;

  const chat = (partnerId: number, name: string, tz = 'UTC', userId = `u${partnerId}`): CommandContext => ({
    app: ctx.app,
    user: { platform: 'console', userId, chatId: userId } satisfies ChatUser,
    partner: { id: partnerId, name, currency: 'USD', timezone: tz },
    now: Date.now(),
  });
  const postback = (q: string) => api(ctx, 'GET', `/postback?${q}`, undefined, null);

  beforeAll(async () => {
    ctx = await startTestApp(flavor, { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' }, { charts: switchableCharts() });
    rx = await startReceiver();
    rx.script('/pb', [500, 200]);
    relay = await startRelay(ctx.app, { prefix: randomPrefix(), retrySchedule: [0, 100, 100], dispatchPollMs: 50 });
    const db = ctx.app.db;
    a = await makePartner(db, { name: 'Ana', timezone: 'Europe/Berlin' });
    b = await makePartner(db, { name: 'Bo' });
    alpha = await makeCampaign(db, { name: 'Alpha Casino', deeplink_domains: '["offer.example.com"]' });
    beta = await makeCampaign(db, { name: 'Beta Secret' });
    pending = await makeCampaign(db, { name: 'Gamma Waiting' });
    await grantAccess(db, a, alpha);
    await grantAccess(db, b, beta);
    await grantAccess(db, a, pending, 'pending');
    landingId = await addPromoMaterial(db, alpha, 'Win big today');
    await savePostback(ctx.app, { partnerId: a }, { url: `${rx.url}/pb?ref={ref_id}&st={status}` });

    const at = Date.now() - 60_000;
    const ca = await addClick(db, { partnerId: a, campaignId: alpha, country: 'DE', at });
    await addClick(db, { partnerId: a, campaignId: alpha, country: 'FR', at });
    await addClick(db, { partnerId: a, campaignId: alpha, country: 'FR', at });
    const cb = await addClick(db, { partnerId: b, campaignId: beta, country: 'US', at });
    clickA = ca.clickId;
    clickB = cb.clickId;
    expect((await postback(`clickid=${clickA}&type=Deposit&txid=tx-a1&status=approved`)).status).toBe(200);
    expect((await postback(`clickid=${clickB}&type=lead&txid=tx-b-secret`)).status).toBe(200);
  });
  afterAll(async () => {
    await relay?.close();
    await rx?.close();
    await ctx?.close();
  });

  it('report: totals equal the API report, chart failure keeps the table, CSV button matches', async () => {
    const r = await cmd('report').run(chat(a, 'Ana', 'Europe/Berlin'), '7d by geo');
    const text = plain(r);
    const api7d = await api(ctx, 'GET', `/api/v1/report?group=geo&period=7d&partner_id=${a}&timezone=Europe/Berlin`);
    expect(api7d.status).toBe(200);
    const t = api7d.body.totals;
    expect(text).toContain('Europe/Berlin');
    expect(text).toContain(`Total | ${t.clicks} | ${t.conversions} |`);
    expect(text).toContain(`$${t.payout}`);
    expect(text).toMatch(/FR \| 2 \| 0/);
    expect(text).not.toMatch(/^US \|/m);
    const [action] = actionsOf(r);
    expect(action).toMatch(/^report:csv:\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}:geo$/);
    const file = first(await cmd('report').onAction!(chat(a, 'Ana', 'Europe/Berlin'), action!)).blocks[0]!;
    expect(file.kind).toBe('file');
    if (file.kind !== 'file') return;
    const csv = new TextDecoder().decode(file.data);
    const total = csv.split('\r\n').find((l) => l.startsWith('total,'))!;
    expect(total).toContain(`total,Total,${t.clicks},${t.conversions},`);
    expect(total).toContain(`,${t.payout},`);
    expect(csv).not.toMatch(/revenue|profit/);
  });

  it('report: a PNG chart (line by day), and without it when the renderer fails', async () => {
    const r = first(await cmd('report').run(chat(a, 'Ana', 'Europe/Berlin'), 'last 3 days'));
    const image = r.blocks.find((x) => x.kind === 'image');
    expect(image?.kind === 'image' && [...image.png.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    expect(plain(r)).toContain('Report by day · last 3 days');
    chart.fail = true;
    try {
      const without = first(await cmd('report').run(chat(a, 'Ana', 'Europe/Berlin'), 'last 3 days'));
      expect(without.blocks.some((x) => x.kind === 'image')).toBe(false);
      expect(plain(without)).toContain('Total | 3 | 1 |');
    } finally {
      chart.fail = false;
    }
  });

  it('report: today is drawn as in progress, hours still to come are left out; a past period has no such mark', async () => {
    type Spec = { categories: string[]; partial?: { index: number; label: string } };
    const d = await makePartner(ctx.app.db, { name: 'Dora Days' });
    const camp = await makeCampaign(ctx.app.db, { name: 'Dora Camp' });
    await grantAccess(ctx.app.db, d, camp);
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await addClick(ctx.app.db, { partnerId: d, campaignId: camp, country: 'DE', at: midnight - 12 * 3_600_000 });
    await addClick(ctx.app.db, {
      partnerId: d,
      campaignId: camp,
      country: 'DE',
      at: Math.max(midnight, Date.now() - 60_000),
    });
    const last = async (args: string) => {
      chart.last = undefined;
      await cmd('report').run(chat(d, 'Dora', 'UTC'), args);
      return chart.last as Spec;
    };
    const days = await last('30d');
    expect(days.categories).toHaveLength(30);
    expect(days.partial).toEqual({ index: 29, label: 'today so far' });
    const hours = await last('today by hour');
    expect(hours.partial).toEqual({ index: hours.categories.length - 1, label: 'this hour so far' });
    // One category per hour from midnight up to and including the current one; none for hours to come.
    expect(hours.categories).toHaveLength(new Date().getUTCHours() + 1);
    const past = await last('yesterday by hour');
    expect(past.categories).toHaveLength(24);
    expect(past.partial).toBeUndefined();
  });

  it("report: partner B never sees A's figures", async () => {
    const text = plain(await cmd('report').run(chat(b, 'Bo'), '7d by campaign'));
    expect(text).toContain('Beta Secret');
    expect(text).not.toContain('Alpha Casino');
    expect(text).toMatch(/Total \| 1 \| 1 \|/);
  });

  it('report: a bad period or dimension explains the syntax', async () => {
    const bad = plain(await cmd('report').run(chat(a, 'Ana'), 'fortnight'));
    expect(bad).toContain('unknown period "fortnight"');
    expect(bad).toContain('Usage: report [period] [by DIM]');
    const dim = plain(await cmd('report').run(chat(a, 'Ana'), '7d by partner'));
    expect(dim).toContain('by takes one of campaign');
  });

  it('dashboard: KPIs name the period and compare with the previous one', async () => {
    const text = plain(await cmd('dashboard').run(chat(a, 'Ana', 'Europe/Berlin'), '7d'));
    expect(text).toContain('last 7 days');
    expect(text).toContain('Europe/Berlin');
    expect(text).toContain('Clicks: 3 (new)');
    expect(text).toContain('Conversions: 1 (new)');
    expect(text).toContain('Payout: $50.00 (new)');
  });

  it('campaigns: own, public and pending ones, paged, never ones without access', async () => {
    for (let i = 0; i < 11; i++) await makeCampaign(ctx.app.db, { name: `Bulk ${i}`, access: 'public' });
    const all = plain(await cmd('campaigns').run(chat(a, 'Ana'), ''));
    expect(all).toContain('Alpha Casino');
    expect(all).toContain('lead $5 · Deposit $50');
    expect(all).toMatch(/Gamma Waiting.*pending approval/);
    expect(all).not.toContain('Beta Secret');
    const bulk = await cmd('campaigns').run(chat(a, 'Ana'), 'bulk');
    expect(plain(bulk)).toContain('page 1 of 2 (11 in all)');
    expect(actionsOf(bulk)).toEqual(['campaigns:page:2:bulk']);
    const page2 = await cmd('campaigns').onAction!(chat(a, 'Ana'), 'campaigns:page:2:bulk');
    expect(plain(page2)).toContain('Bulk 10');
    expect(actionsOf(page2)).toEqual(['campaigns:page:1:bulk']);
  });

  it('campaign: tracking link with {replace_me}, landings, creatives; no access reads as not found', async () => {
    const r = await cmd('campaign').run(chat(a, 'Ana'), String(alpha));
    const text = plain(r);
    expect(text).toContain(`${ctx.config.publicUrl}/t/${alpha}?pid=${a}&ref_id={replace_me}`);
    expect(text).toContain('{ref_id}');
    expect(text).toContain(`${landingId} · Quiz LP (default)`);
    expect(text).toContain('&lp=ID');
    expect(text).toContain('[image https://cdn.example.com/b.png]');
    expect(text).toContain('Win big today');
    expect(text).toContain(`deeplink ${alpha} URL`);
    const hidden = plain(await cmd('campaign').run(chat(a, 'Ana'), String(beta)));
    const unknown = plain(await cmd('campaign').run(chat(a, 'Ana'), '999999'));
    expect(hidden).toContain(`campaign ${beta} not found`);
    expect(unknown).toContain('campaign 999999 not found');
    expect(hidden).not.toContain('Beta Secret');
    expect(plain(await cmd('campaign').run(chat(a, 'Ana'), String(pending)))).toContain('Pending approval');
  });

  it('deeplink: a landing URL gets an lp link, any other allowed page a deeplink; other hosts are refused', async () => {
    const dl = (args: string) => cmd('deeplink').run(chat(a, 'Ana'), args).then(plain);
    const ok = await dl(`${alpha} https://offer.example.com/quiz`);
    expect(ok).toContain(`/t/${alpha}?pid=${a}&lp=${landingId}&ref_id={replace_me}`);
    const promo = await dl(`${alpha} https://offer.example.com/quiz?promo=X1`);
    expect(promo).toContain(`&deeplink=${encodeURIComponent('https://offer.example.com/quiz?promo=X1')}&ref_id=`);
    const page = await dl(`${alpha} https://eu.offer.example.com/sale/{sub1}?a=1&c={clickid}`);
    expect(page).toContain('Deeplink to eu.offer.example.com/sale/{sub1} · campaign');
    const encoded = encodeURIComponent('https://eu.offer.example.com/sale/{sub1}?a=1&c={clickid}');
    expect(page).toContain(`/t/${alpha}?pid=${a}&deeplink=${encoded}&ref_id={replace_me}`);
    // The link works: HEAD runs every check of a click but stores none, so the other tests' figures stay put.
    const path = /\/t\/\S+/.exec(page)?.[0].replace('{replace_me}', 'r1') ?? '';
    const res = await fetch(`${ctx.baseUrl}${path}&sub1=fb`, { method: 'HEAD', redirect: 'manual' });
    expect(res.headers.get('location')).toBe('https://eu.offer.example.com/sale/fb?a=1&c=');
    const other = await dl(`${alpha} https://evil.example.net/x`);
    expect(other).toContain('evil.example.net is not allowed for campaign');
    expect(other).toContain('may point to: offer.example.com');
    expect(await dl(`${alpha} javascript:alert(1)`)).toContain('is not a web address');
    expect(await dl(`${alpha} https://offer.example.com/${'x'.repeat(2100)}`)).toContain('at most 2048');
    expect(await dl(`${alpha}`)).toContain('Send the campaign id and the page');
    const hidden = plain(await cmd('deeplink').run(chat(a, 'Ana'), `${beta} https://offer.example.com/quiz`));
    expect(hidden).toContain(`campaign ${beta} not found`);
  });

  it("conversions: own ones with txid and ref_id, in the partner's zone; never B's", async () => {
    const text = plain(await cmd('conversions').run(chat(a, 'Ana', 'Europe/Berlin'), ''));
    expect(text).toContain('Europe/Berlin');
    expect(text).toMatch(/Alpha Casino · Deposit · approved · \$50\.00/);
    expect(text).toContain('txid tx-a1');
    expect(text).not.toContain('tx-b-secret');
    expect(plain(await cmd('conversions').run(chat(a, 'Ana'), 'lead 7d'))).toContain('No lead conversions');
    expect(plain(await cmd('conversions').run(chat(a, 'Ana'), 'deposit 30d'))).toContain('tx-a1');
    expect(plain(await cmd('conversions').run(chat(a, 'Ana'), '2026-13-01'))).toContain('unknown period');
  });

  it("trace: click -> conversion -> every postback attempt; someone else's click is not found", async () => {
    await eventually(async () => {
      const d = await ctx.app.db('postback_deliveries').where({ partner_id: a }).first();
      return d?.state === 'delivered';
    });
    const text = plain(await cmd('trace').run(chat(a, 'Ana', 'Europe/Berlin'), clickA));
    expect(text).toContain(`Click ${clickA}`);
    expect(text).toContain('Alpha Casino');
    expect(text).toMatch(/Conversion \d+ · .* · Deposit · approved · \$50\.00 · txid tx-a1/);
    expect(text).toContain('delivered');
    expect(text).toMatch(/HTTP 500[\s\S]*HTTP 200/);
    const other = plain(await cmd('trace').run(chat(b, 'Bo'), clickA));
    expect(other).toContain('not found');
    expect(other).not.toContain('Alpha');
  });

  it('postback set: URL -> problems explained -> preview + real test fire -> save; then show, test, log', async () => {
    const c = await makePartner(ctx.app.db, { name: 'Cy' });
    const cc = chat(c, 'Cy', 'UTC', `flow-${c}`);
    const flow = portalFlows['postback_set']!;
    const say = async (text: string) => flow.onText({ ...cc, conversation: (await currentFlow(cc))! }, text);

    expect(plain(await cmd('postback').run(cc, ''))).toContain('no postback yet');
    expect(plain(await cmd('postback').run(cc, 'set'))).toContain('step 1 of 3');
    const bad = plain(await say('https://t.example.com/pb?c={clik_id}&x={{status}}'));
    expect(bad).toContain('2 problems');
    expect(bad).toContain('{clik_id}');
    expect(bad).toContain('single braces');
    rx.script('/cy', [{ status: 200, body: 'got it' }]);
    const step2 = await say(`${rx.url}/cy?ref={ref_id}&p={aff_payout}`);
    const text = plain(step2);
    expect(text).toContain(`${rx.url}/cy?ref=your-click-id-123&p=12.50`);
    expect(text).toContain('Answered HTTP 200');
    expect(text).toContain('got it');
    expect(rx.on('/cy')).toHaveLength(1);
    expect(actionsOf(step2)).toEqual(['postback:save', 'postback:cancel']);
    expect(await ctx.app.db('postbacks').where({ partner_id: c })).toHaveLength(0);
    const saved = plain(await cmd('postback').onAction!(cc, 'postback:save'));
    expect(saved).toMatch(/Saved postback #\d+/);
    expect(await currentFlow(cc)).toBeNull();
    const shown = plain(await cmd('postback').run(cc, ''));
    expect(shown).toContain(`${rx.url}/cy?ref={ref_id}&p={aff_payout}`);
    expect(shown).toContain(`preview: ${rx.url}/cy?ref=your-click-id-123`);
    expect(plain(await cmd('postback').run(cc, 'test'))).toContain('Answered HTTP 200');
    expect(plain(await cmd('postback').run(cc, 'log'))).toContain('no deliveries yet');
    // One-shot "postback set URL", confirmed by typing "save": replaces the one global postback, no copies.
    expect(plain(await cmd('postback').run(cc, `set ${rx.url}/cy2?r={ref_id}`))).toContain('Answered HTTP 200');
    expect(plain(await say('save'))).toContain('it replaces your previous URL');
    const rows = await ctx.app.db('postbacks').where({ partner_id: c }).whereNull('deleted_at');
    expect(rows.map((r) => r.url)).toEqual([`${rx.url}/cy2?r={ref_id}`]);
    await cmd('postback').run(cc, `set ${rx.url}/cy3`);
    expect(plain(await cmd('postback').onAction!(cc, 'postback:cancel'))).toContain('Nothing was changed');
    expect(plain(await cmd('postback').onAction!(cc, 'postback:save'))).toContain('no postback waiting');
    // Someone else's postback reads as not found.
    const [own] = await ctx.app.db('postbacks').where({ partner_id: a });
    expect(plain(await cmd('postback').run(cc, `test ${own.id}`))).toContain('not found');
    expect(plain(await cmd('postback').run(cc, `log ${own.id}`))).toContain('not found');
    expect(plain(await cmd('postback').run(chat(a, 'Ana'), `log ${own.id}`))).toMatch(/HTTP 500[\s\S]*HTTP 200/);
  });
});
