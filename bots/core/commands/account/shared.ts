import type { CommandContext } from '../../command.js';
import { commandHint } from '../../parse-command.js';

/** A command as this user types it: "/balance" (Telegram), "/pd balance" (Slack), "balance" (console). */
export const hint = (ctx: Pick<CommandContext, 'user'>, usage: string): string => commandHint(ctx.user.platform, usage);

/** The linked partner; commands with needsPartner: true are only dispatched when there is one. */
export function partnerOf(ctx: CommandContext) {
  if (!ctx.partner) throw new Error('command needs a linked partner but was dispatched without one');
  return ctx.partner;
}

export const identityOf = (ctx: CommandContext) => ({
  platform: ctx.user.platform,
  userId: ctx.user.userId,
  chatId: ctx.user.chatId,
});
