import { listPayments } from '../../../../src/app/ledger/list-payments.js';
import { type Command, type CommandContext, partnerOf } from '../../command.js';
import { localStamp, money } from '../../format.js';
import { type Button, type Reply, reply, text } from '../../reply.js';
import { hint } from './shared.js';

const METHOD_NAMES: Record<string, string> = {
  paypal: 'PayPal',
  wire: 'bank transfer',
  wise: 'Wise',
  crypto: 'crypto',
};

async function page(ctx: CommandContext, n: number): Promise<Reply> {
  const p = partnerOf(ctx);
  const r = await listPayments(ctx.app, p.id, n);
  if (r.total === 0) {
    return reply([text(`No payments yet. ${hint(ctx, 'balance')} shows what is due and when the next payout run is.`)]);
  }
  const rows = r.items.map((i) => [
    localStamp(i.paidAt ?? i.createdAt, p.timezone).slice(0, 10),
    money(i.amount, i.currency),
    i.status,
    i.methodKind ? (METHOD_NAMES[i.methodKind] ?? i.methodKind) : '–',
    i.reference || '–',
  ]);
  const buttons: Button[] = [];
  if (r.page > 1) buttons.push({ label: '« Newer', action: `payments:page:${r.page - 1}` });
  if (r.page < r.pages) buttons.push({ label: 'Older »', action: `payments:page:${r.page + 1}` });
  return reply(
    [
      text(
        `Payments of ${p.name}: page ${r.page} of ${r.pages} (${r.total} in total), newest first, dates in ${p.timezone}`,
      ),
      {
        kind: 'table',
        columns: [
          { title: 'date' },
          { title: 'amount', align: 'right' },
          { title: 'status' },
          { title: 'method' },
          { title: 'reference' },
        ],
        rows,
      },
    ],
    buttons.length ? [buttons] : undefined,
  );
}

export const payments: Command = {
  name: 'payments',
  summary: 'your payments with status and method',
  usage: 'payments [page]',
  needsPartner: true,
  async run(ctx, args) {
    const n = Number.parseInt(args.trim() || '1', 10);
    return page(ctx, Number.isFinite(n) && n > 0 ? n : 1);
  },
  async onAction(ctx, action) {
    const n = Number.parseInt(action.split(':')[2] ?? '1', 10);
    return page(ctx, Number.isFinite(n) && n > 0 ? n : 1);
  },
};
