import type { Command } from '../../command.js';
import { reply, text } from '../../reply.js';
import { postbackFlowAction, startPostbackSet } from './postback-set.js';
import { postbackLog, showPostbacks, testPostback } from './postback-views.js';
import { cmdText, orExplain } from './shared.js';

const usage = 'postback [set [URL] | test [ID] | log [ID]]';

/** Shows the partner's postbacks; `set`, `test` and `log` below it. */
export const postbackCommand: Command = {
  name: 'postback',
  aliases: ['postbacks'],
  summary: 'your postback URL: show, set (guided), test, log',
  usage,
  needsPartner: true,
  run: (ctx, args) =>
    orExplain(ctx, usage, async () => {
      const [sub = '', ...rest] = args.trim().split(/\s+/);
      const arg = rest.join(' ');
      switch (sub.toLowerCase()) {
        case '':
        case 'show':
          return showPostbacks(ctx);
        case 'set':
          return startPostbackSet(ctx, arg);
        case 'test':
          return testPostback(ctx, arg);
        case 'log':
          return postbackLog(ctx, arg);
        default:
          return reply([text(`"postback ${sub.slice(0, 20)}" is not a postback command; use ${cmdText(ctx, usage)}`)]);
      }
    }),
  onAction: (ctx, action) => orExplain(ctx, usage, () => postbackFlowAction(ctx, action)),
};
