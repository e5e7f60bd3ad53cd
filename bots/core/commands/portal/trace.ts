import { traceClick } from '../../../../src/app/reports/trace-click.js';
import { type Command, partnerOf } from '../../command.js';
import { localStamp, money } from '../../format.js';
import { bold, code, italic, type Line, reply, text } from '../../reply.js';
import { cmdText, orExplain } from './shared.js';

const usage = 'trace CLICKID';

/** Click -> conversions -> every postback delivery and attempt, in the partner's time zone. */
export const traceCommand: Command = {
  name: 'trace',
  summary: 'follow a click to its conversions and every postback attempt',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const partner = partnerOf(ctx);
      const id = args.trim();
      if (id === '') return reply([text(`Send the click id from your tracker: ${cmdText(ctx, 'trace CLICKID')}`)]);
      const t = await traceClick(ctx.app, partner.id, id);
      const tz = partner.timezone;
      const k = t.click;
      const subs = (['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const)
        .filter((s) => k[s])
        .map((s) => `${s}=${k[s]}`)
        .join(' · ');
      const lines: Line[] = [
        [bold(`Click ${k.click_id}`), ` · times in ${tz}`],
        [
          `${localStamp(k.created_at, tz)} · campaign ${k.campaign_id} ${k.campaign_name}${k.landing_id ? ` · landing ${k.landing_id}` : ''}`,
        ],
        [
          `${k.country || '??'} · ${k.device || 'unknown device'} · ${k.os || 'unknown OS'}${k.browser ? ` · ${k.browser}` : ''}`,
        ],
        ['ref_id ', code(k.ref_id ?? '–'), ...(subs ? [` · ${subs}`] : [])],
      ];
      if (t.conversions.length === 0) lines.push([italic('No conversions on this click yet.')]);
      for (const c of t.conversions) {
        lines.push([
          bold(`→ Conversion ${c.id}`),
          ` · ${localStamp(c.created_at, tz)} · ${c.type} · ${c.status} · ${money(c.payout, c.currency)}${c.txid ? ` · txid ${c.txid}` : ''}`,
        ]);
        if (c.deliveries.length === 0) lines.push(['   no postback deliveries (no postback matched this conversion)']);
        for (const d of c.deliveries) {
          const next = d.nextAttemptAt !== null ? ` · next try ${localStamp(d.nextAttemptAt, tz)}` : '';
          lines.push([`   ⇢ postback ${d.postbackId} · ${d.event} (${d.status}) · ${d.state}${next}`]);
          if (d.attempts.length === 0) lines.push(['      not attempted yet']);
          for (const a of d.attempts) {
            const result = a.status !== null ? `HTTP ${a.status}` : (a.errorClass ?? 'no answer');
            const err = a.errorClass && a.status !== null ? ` · ${a.errorClass}` : '';
            lines.push([`      ${localStamp(a.at, tz)} · ${result}${err} · ${a.durationMs} ms`]);
          }
        }
      }
      return reply([text(...lines)]);
    }),
};
