import { getBalance } from '../../../../src/app/ledger/get-balance.js';
import { getReferralSummary } from '../../../../src/app/ledger/get-referral-summary.js';
import { type Command, partnerOf } from '../../command.js';
import { localStamp, money } from '../../format.js';
import { type Block, bold, reply, text } from '../../reply.js';

export const referral: Command = {
  name: 'referral',
  aliases: ['referrals', 'ref'],
  summary: 'your referral code, referred partners and commission',
  usage: 'referral',
  needsPartner: true,
  async run(ctx) {
    const p = partnerOf(ctx);
    const [b, s] = await Promise.all([getBalance(ctx.app, p.id), getReferralSummary(ctx.app, p.id)]);
    const rate = ctx.app.config.referralRateBp / 100;
    const blocks: Block[] = [
      text(
        [
          bold('Referral program'),
          ` — as of ${localStamp(ctx.now, p.timezone)} ${p.timezone}, amounts in ${b.currency}`,
        ],
        [
          'Your referral code: ',
          { code: `P${p.id}` },
          ` — a partner you bring gives it to their manager when they sign up; you earn ${rate}% of their payouts (some partners have their own rate).`,
        ],
        `Partners you referred: ${s.referredPartners}`,
        `Referral balance: ${money(b.referral, b.currency)} approved, ${money(b.referralPending, b.currency)} pending`,
      ),
    ];
    if (s.recent.length > 0) {
      blocks.push(text(`Latest commissions (dates in ${p.timezone}):`), {
        kind: 'table',
        columns: [
          { title: 'date' },
          { title: 'partner' },
          { title: 'status' },
          { title: 'commission', align: 'right' },
        ],
        rows: s.recent.map((c) => [
          localStamp(c.createdAt, p.timezone).slice(0, 10),
          `#${c.referredId}`,
          c.status,
          money(c.amount, c.currency),
        ]),
      });
    } else {
      blocks.push(text('No commissions yet.'));
    }
    return reply(blocks);
  },
};
