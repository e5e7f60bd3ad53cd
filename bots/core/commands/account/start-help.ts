import type { Command } from '../../command.js';
import { bold, reply, text } from '../../reply.js';
import { hint } from './shared.js';

export const start: Command = {
  name: 'start',
  summary: 'greeting and how to begin',
  usage: 'start',
  needsPartner: false,
  async run(ctx) {
    const hi = ctx.user.name ? `Hi ${ctx.user.name}!` : 'Hi!';
    if (!ctx.partner) {
      return reply([
        text(
          [
            bold('partnerdesk'),
            ' is the partner bot of our affiliate program: balance, campaigns, reports and payments in chat.',
          ],
          `${hi} To begin, link this chat to your partner account: ask your manager for a link code, then send ${hint(ctx, 'link CODE')}.`,
          'A code works once and expires after 30 minutes.',
        ),
      ]);
    }
    const p = ctx.partner;
    return reply([
      text(
        `${hi} This chat is linked to partner ${p.name} (#${p.id}).`,
        `Try ${hint(ctx, 'balance')}, ${hint(ctx, 'dashboard 7d')} or ${hint(ctx, 'report 7d by geo')}; ${hint(ctx, 'help')} lists everything.`,
        `Periods and times are in ${p.timezone}; change it with ${hint(ctx, 'timezone ZONE')}.`,
      ),
    ]);
  },
};

export const help: Command = {
  name: 'help',
  aliases: ['commands', '?'],
  summary: 'the commands you can use',
  usage: 'help',
  needsPartner: false,
  async run(ctx) {
    const all = ctx.commands ?? [];
    const usable = all.filter((c) => ctx.partner || !c.needsPartner);
    const lines = usable.map((c) => [bold(hint(ctx, c.usage)), ` — ${c.summary}`]);
    const tail: string[] = [];
    if (!ctx.partner) {
      tail.push(`The other commands (balance, reports, payments ...) work once you link: ${hint(ctx, 'link CODE')}.`);
    } else {
      tail.push('Periods: today, yesterday, 7d, 30d, mtd, last week, 2026-11-01..2026-11-15.');
      tail.push(`During a guided step, send cancel to stop. Times are in ${ctx.partner.timezone}.`);
    }
    if (ctx.user.platform === 'console') {
      tail.push('Console chat: an operator tool with database access, linked to the partner given with --partner.');
    }
    return reply([text([bold('Commands')], ...lines, ...tail)]);
  },
};
