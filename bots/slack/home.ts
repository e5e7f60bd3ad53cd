import { findLinkedIdentity } from '../../src/db/repositories/chat-identities.js';
import type { Logger } from '../../src/infra/logger.js';
import type { App } from '../../src/main/create-app.js';
import type { Reply } from '../core/reply.js';
import type { ChatCore } from '../telegram/telegram-bot.js';
import { LIMITS } from './block-limits.js';
import { slackChatUser } from './partner-handlers.js';
import { replyBlocks } from './render-blocks.js';
import type { HomeView, KnownBlock, WebClient } from './slack-types.js';

/** Home buttons: each runs a partner command and shows the answer in a modal (guided ones run inside it). */
const HOME_BUTTONS: { label: string; line: string }[] = [
  { label: 'Report (7 days)', line: 'report 7d' },
  { label: 'Campaigns', line: 'campaigns' },
  { label: 'Set postback', line: 'postback set' },
  { label: 'Payments', line: 'payments' },
  { label: 'Payment method', line: 'paymethod change' },
];

const divider: KnownBlock = { type: 'divider' };
const header = (t: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: t } });

/**
 * The App Home tab: for a linked partner the balance, the last 7 days against the 7 before (the core's
 * `dashboard 7d`) and postback health (`postback`), then buttons; for anyone else how to link. Everything is
 * what the same commands answer in a chat, so Home never disagrees with them.
 */
export async function homeView(app: App, core: ChatCore, teamId: string, userId: string): Promise<HomeView> {
  const user = slackChatUser(teamId, userId);
  const linked = await findLinkedIdentity(app.db, { platform: 'slack', userId: user.userId });
  if (linked?.partnerStatus !== 'active') {
    const [start] = await core.handleText(user, '/start');
    return {
      type: 'home',
      blocks: [
        header('partnerdesk'),
        ...(start ? replyBlocks(start, { surface: 'view', maxBlocks: 20 }) : []),
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: 'To link: ask your partner manager for a link code, then type `/pd link CODE` anywhere in Slack (only you see the answer).',
          },
        },
      ],
    };
  }
  const parts: Reply[] = [];
  for (const line of ['/balance', '/dashboard 7d', '/postback']) parts.push(...(await core.handleText(user, line)));
  const blocks: KnownBlock[] = [header(`partnerdesk · ${linked.partnerName}`.slice(0, LIMITS.headerText))];
  const room = LIMITS.blocksPerView - 4;
  for (const r of parts) {
    if (blocks.length >= room) break;
    // Buttons of the answers (paging, export) are left to the modals; Home keeps its own row.
    blocks.push(...replyBlocks({ blocks: r.blocks }, { surface: 'view', maxBlocks: room - blocks.length }), divider);
  }
  blocks.push({
    type: 'actions',
    elements: HOME_BUTTONS.map((b, i) => ({
      type: 'button' as const,
      text: { type: 'plain_text' as const, text: b.label },
      value: b.line,
      action_id: `pd:h:${i}`,
    })),
  });
  return { type: 'home', blocks: blocks.slice(0, LIMITS.blocksPerView) };
}

export async function publishHome(args: {
  app: App;
  core: ChatCore;
  client: WebClient;
  teamId: string;
  userId: string;
  log: Logger;
}): Promise<void> {
  const view = await homeView(args.app, args.core, args.teamId, args.userId);
  await args.client.views.publish({ user_id: args.userId, view });
}
