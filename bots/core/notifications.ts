import type { ConversionLine, NotificationView } from '../../src/app/chat/notification-view.js';
import type { ChatUser } from './command.js';
import { money } from './format.js';
import { commandHint } from './parse-command.js';
import { bold, code, type Line, type Reply, reply, text } from './reply.js';

/**
 * Messages the service sends on its own (not answers to a command): rendered here once from a
 * NotificationView, delivered by each platform's ChatSender.
 */

// The port itself lives with the use cases (jobs deliver through it and never import bots).
export { ChatRateLimitedError, type ChatSender, ChatUnreachableError } from '../../src/app/chat/chat-sender.js';

/** Click ids are long bearer tokens: the start is enough to find the click with /trace. */
const shortId = (id: string) => (id.length > 8 ? `${id.slice(0, 6)}…` : id);

function conversionLine(c: ConversionLine): Line {
  const tail: Line = [` · click `, code(shortId(c.clickId))];
  if (c.refId) tail.push(' · ref ', code(c.refId.length > 40 ? `${c.refId.slice(0, 40)}…` : c.refId));
  const what = `${c.type} on ${c.campaignName}`;
  if (c.event === 'created') {
    return [what, ' — payout ', bold(money(c.payout, c.currency)), ` (${c.status})`, ...tail];
  }
  const was = c.fromStatus ? ` (was ${c.fromStatus})` : '';
  return [what, ' is now ', bold(c.status), was, ' — payout ', money(c.payout, c.currency), ...tail];
}

const ICON: Record<string, string> = { approved: '✅', declined: '❌', pending: '🕓' };

export function renderNotification(view: NotificationView, platform: ChatUser['platform']): Reply {
  const hint = (usage: string) => commandHint(platform, usage);
  switch (view.kind) {
    case 'conversion': {
      const [only] = view.items;
      if (view.items.length === 1 && view.total === 1 && only) {
        const head = only.event === 'created' ? '✅ New conversion: ' : `${ICON[only.status] ?? '🔄'} Conversion `;
        return reply([text([head, ...conversionLine(only)])]);
      }
      const created = view.items.every((i) => i.event === 'created');
      const head = created ? `✅ ${view.total} new conversions` : `🔄 ${view.total} conversions changed`;
      const lines: Line[] = [[bold(head)], ...view.items.map((i) => ['• ', ...conversionLine(i)])];
      const more = view.total - view.items.length;
      if (more > 0) lines.push([`… and ${more} more: ${hint('conversions')}`]);
      return reply([text(...lines)]);
    }
    case 'postback_failing':
      return reply([
        text(
          [
            '⚠️ Your postback ',
            code(view.endpoint ?? '(unknown URL)'),
            ` is failing${view.reason ? `: ${view.reason}` : ''}.`,
          ],
          [`Deliveries are retried. See the attempts with ${hint('postback log')}.`],
        ),
      ]);
    case 'postback_disabled':
      return reply([
        text(
          ...[
            [`⛔ Postback disabled${view.reason ? `: ${view.reason}` : ''}.`],
            ...(view.endpoint ? [['URL: ', code(view.endpoint)]] : []),
            [`Set a working URL with ${hint('postback set')}.`],
          ],
        ),
      ]);
    case 'postback_recovered':
      return reply([
        text(['✅ Postback recovered: ', code(view.endpoint ?? 'your endpoint'), ' is accepting conversions again.']),
      ]);
    case 'digest_undeliverable':
      return reply([
        text(
          [
            '📭 Your e-mail digest could not be delivered to ',
            code(view.email),
            `: the mail server refused it (${view.reason.slice(0, 160)}).`,
          ],
          [`No more digests go to that address. Set another with ${hint('digest email you@example.com')}.`],
        ),
      ]);
    case 'payment_status':
      return reply([
        text([
          `${view.status === 'paid' ? '💸' : '💳'} Payment #${view.paymentId} of `,
          bold(money(view.amount, view.currency)),
          ' is now ',
          bold(view.status),
          view.status === 'paid' ? '.' : `. Details: ${hint('payments')}`,
        ]),
      ]);
  }
}
