import {
  type AttemptView,
  getDelivery,
  listDeliveries,
  listTestFires,
} from '../../../../src/app/postbacks/list-deliveries.js';
import { listPostbacks, type PostbackListItem } from '../../../../src/app/postbacks/list-postbacks.js';
import type { TestFireResult } from '../../../../src/app/postbacks/test-fire-postback.js';
import { testFirePostback } from '../../../../src/app/postbacks/test-fire-postback.js';
import { type CommandContext, partnerOf } from '../../command.js';
import { clip, localStamp } from '../../format.js';
import { type Block, bold, code, italic, type Line, type Reply, reply, text } from '../../reply.js';
import { cmd, cmdText } from './shared.js';

/** Where a postback applies, in words. */
function scope(p: PostbackListItem): string {
  const campaigns = p.campaign_id === null ? 'all campaigns' : `campaign ${p.campaign_id}`;
  const types = p.conversion_types.length > 0 ? p.conversion_types.join(', ') : 'all types';
  const statuses = p.statuses.length > 0 ? p.statuses.join(', ') : 'all statuses';
  return `${campaigns} · ${types} · ${statuses}${p.on_status_change ? ' · every status change' : ''}`;
}

export async function showPostbacks(ctx: CommandContext): Promise<Reply> {
  const partner = partnerOf(ctx);
  const { items } = await listPostbacks(ctx.app, { partnerId: partner.id });
  if (items.length === 0) {
    return reply([
      text('You have no postback yet, so your tracker hears nothing about conversions.', [
        'Set one up: ',
        cmd(ctx, 'postback set'),
        ' (we check it, show a preview and test it before saving).',
      ]),
    ]);
  }
  const lines: Line[] = [[bold(`Your postbacks (${items.length})`)]];
  for (const p of items) {
    lines.push([bold(`#${p.id}`), ` · ${p.method} · ${scope(p)}${p.enabled ? '' : ' · DISABLED'}`]);
    if (!p.enabled && p.disabled_reason) lines.push([italic(`   disabled: ${p.disabled_reason}`)]);
    lines.push(['   ', code(p.url)]);
    lines.push(['   preview: ', code(p.preview_url)]);
  }
  lines.push(['Test one: ', cmd(ctx, 'postback test ID'), ' · deliveries: ', cmd(ctx, 'postback log ID')]);
  return reply([text(...lines)]);
}

/** The partner's postback id: the one given, or their only one. Null with a question when it is ambiguous. */
async function pickPostback(ctx: CommandContext, arg: string, verb: string): Promise<number | Reply> {
  const partner = partnerOf(ctx);
  const { items } = await listPostbacks(ctx.app, { partnerId: partner.id });
  if (arg !== '') {
    // Someone else's postback id reads exactly like an unknown one.
    const id = Number(arg.replace(/^#/, ''));
    if (items.some((p) => p.id === id)) return id;
    return reply([text(`Postback ${arg.slice(0, 20)} not found; ${cmdText(ctx, 'postback')} lists yours.`)]);
  }
  if (items.length === 1) return items[0]!.id;
  if (items.length === 0) {
    return reply([text(`You have no postback yet; set one up with ${cmdText(ctx, 'postback set')}.`)]);
  }
  return reply([
    text(
      `You have ${items.length} postbacks; which one? ${items.map((p) => cmdText(ctx, `postback ${verb} ${p.id}`)).join(' · ')}`,
    ),
  ]);
}

/** testFirePostback's result as the partner reads it: what we sent and what their server answered. */
export function testResultBlock(r: TestFireResult): Block {
  const outcome = r.ok
    ? `Answered HTTP ${r.status} in ${r.durationMs} ms: your server accepted it.`
    : r.status !== null
      ? `Answered HTTP ${r.status} in ${r.durationMs} ms: not a success (2xx), so real deliveries would be retried.`
      : `No answer after ${r.durationMs} ms: ${r.errorClass ?? 'error'}${r.errorMessage ? ` (${r.errorMessage})` : ''}.`;
  const lines: Line[] = [[bold('Test fire'), ` · ${r.method}`], [code(r.expandedUrl)]];
  if (r.body !== null) lines.push(['body: ', code(clip(r.body, 500))]);
  lines.push([outcome]);
  if (r.bodySnippet) lines.push(['response: ', code(clip(r.bodySnippet.trim(), 300))]);
  return text(...lines);
}

export async function testPostback(ctx: CommandContext, arg: string): Promise<Reply> {
  const picked = await pickPostback(ctx, arg, 'test');
  if (typeof picked !== 'number') return picked;
  const partner = partnerOf(ctx);
  const r = await testFirePostback(ctx.app, { partnerId: partner.id }, { postbackId: picked });
  return reply([
    testResultBlock(r),
    text([italic('Sent once with a sample conversion: not retried, and no delivery or balance changes.')]),
  ]);
}

/** One attempt as a log line: when, the answer (or what failed), how long. */
function attemptLine(a: AttemptView, tz: string, mark = ''): Line {
  const result = a.status !== null ? `HTTP ${a.status}` : (a.error_class ?? 'no answer');
  const detail = a.error_class && a.status !== null ? ` · ${a.error_class}` : '';
  return [`   ${localStamp(Date.parse(a.at), tz)}${mark} · ${result} · ${a.duration_ms} ms${detail}`];
}

export async function postbackLog(ctx: CommandContext, arg: string): Promise<Reply> {
  const picked = await pickPostback(ctx, arg, 'log');
  if (typeof picked !== 'number') return picked;
  const partner = partnerOf(ctx);
  const actor = { partnerId: partner.id };
  const tz = partner.timezone;
  const { items } = await listDeliveries(ctx.app, actor, { postback_id: String(picked), limit: '10' });
  // Test fires belong to no delivery, so they are listed apart, each marked as a test.
  const tests = (await listTestFires(ctx.app, actor, { postback_id: String(picked), limit: '5' })).items;
  if (items.length === 0 && tests.length === 0) {
    return reply([text(`Postback #${picked} has no deliveries or test fires yet (times in ${tz}).`)]);
  }
  const lines: Line[] = [
    [
      bold(
        items.length === 0
          ? `Postback #${picked}: no deliveries yet`
          : `Postback #${picked}: last ${items.length} ${items.length === 1 ? 'delivery' : 'deliveries'}`,
      ),
      ` · times in ${tz}`,
    ],
  ];
  for (const d of items) {
    const full = await getDelivery(ctx.app, actor, d.id);
    lines.push([
      bold(`conversion ${d.conversion_id}`),
      ` · ${d.event} (${d.status}) · ${d.state} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`,
    ]);
    // The newest five, read top to bottom in the order they happened (as in trace).
    for (const a of full.attempts_log.slice(0, 5).reverse()) lines.push(attemptLine(a, tz));
  }
  if (tests.length > 0) {
    lines.push([bold(`Test fires (last ${tests.length})`), ' · sample conversion, not retried']);
    for (const a of [...tests].reverse()) lines.push(attemptLine(a, tz, ' · TEST'));
  }
  return reply([text(...lines)]);
}
