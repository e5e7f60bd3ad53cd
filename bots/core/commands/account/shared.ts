import type { CommandContext } from '../../command.js';
import { commandHint } from '../../parse-command.js';

/** A command as this user types it: "/balance" (Telegram), "/pd balance" (Slack), "balance" (console). */
export const hint = (ctx: Pick<CommandContext, 'user'>, usage: string): string => commandHint(ctx.user.platform, usage);

export const identityOf = (ctx: CommandContext) => ({
  platform: ctx.user.platform,
  userId: ctx.user.userId,
  chatId: ctx.user.chatId,
});
