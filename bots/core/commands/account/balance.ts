import { getPartner } from '../../../../src/app/admin/get-partner.js';
import { getBalance } from '../../../../src/app/ledger/get-balance.js';
import { getPaymentMethod } from '../../../../src/app/ledger/save-payment-method.js';
import { describeMethod } from '../../../../src/domain/payment-method.js';
import { nextPayoutDate } from '../../../../src/domain/payout-schedule.js';
import { type Command, partnerOf } from '../../command.js';
import { localStamp, money } from '../../format.js';
import { bold, type Line, reply, text } from '../../reply.js';
import { hint } from './shared.js';

export const balance: Command = {
  name: 'balance',
  aliases: ['bal'],
  summary: 'available, pending and referral balance, and when you get paid',
  usage: 'balance',
  needsPartner: true,
  async run(ctx) {
    const p = partnerOf(ctx);
    const [b, partner, method] = await Promise.all([
      getBalance(ctx.app, p.id),
      getPartner(ctx.app, p.id),
      getPaymentMethod(ctx.app, p.id),
    ]);
    const cur = b.currency;
    const m = (minor: number) => money(minor, cur);
    const lines: (Line | string)[] = [
      [bold(`Balance of ${p.name}`), ` — as of ${localStamp(ctx.now, p.timezone)} ${p.timezone}, amounts in ${cur}`],
      [bold('Available: '), m(b.available)],
      `Pending approval: ${m(b.pending)}`,
      `Referral balance: ${m(b.referral)}${b.referralPending ? ` (+ ${m(b.referralPending)} pending)` : ''}`,
      `Minimum payout: ${m(b.minPayout)}`,
      `Paid out so far: ${m(b.paid)}`,
    ];
    const next = nextPayoutDate(partner.payout_schedule, ctx.now, p.timezone);
    lines.push([bold('When do I get paid: '), `next payout run ${next} (${partner.payout_schedule}).`]);
    if (b.available >= b.minPayout && b.available > 0) {
      lines.push(`Your available balance reaches the minimum, so ${m(b.available)} is due in that run.`);
    } else {
      lines.push(
        `${m(Math.max(0, b.minPayout - b.available))} more is needed to reach the minimum; until then the balance carries over.`,
      );
    }
    lines.push(
      method
        ? `Paid to: ${describeMethod(method.kind, method.details)}.`
        : `No payment method yet: set one with ${hint(ctx, 'paymethod')} so the payment can go out.`,
    );
    for (const o of b.otherCurrencies) {
      lines.push(
        `Also in ${o.currency} (kept apart, not converted): available ${money(o.available, o.currency)}, pending ${money(o.pending, o.currency)}.`,
      );
    }
    return reply([text(...lines)]);
  },
};
