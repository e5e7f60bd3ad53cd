import { AppError } from '../../src/domain/errors.js';
import type { App } from '../../src/main/create-app.js';
import type { Reply } from './reply.js';

/** Who is talking, as every adapter normalises it. */
export interface ChatUser {
  platform: 'telegram' | 'slack' | 'console';
  /** The platform's user id (Telegram from.id, Slack user id, "console"). */
  userId: string;
  /** Where to answer (Telegram chat id, Slack channel/DM id). */
  chatId: string;
  /** Display name, for greetings only. */
  name?: string;
}

/** The linked partner, loaded once per update; null for a user who has not linked yet. */
export interface ChatPartner {
  id: number;
  name: string;
  currency: string;
  timezone: string;
}

export interface CommandContext {
  app: App;
  user: ChatUser;
  partner: ChatPartner | null;
  /** Epoch ms of the update; the period parser and every "today" use it. */
  now: number;
  /** The commands of the core that dispatched this update (help lists them); set by createBotCore. */
  commands?: readonly Command[];
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line for `help`. */
  summary: string;
  /** Syntax shown in help and in "wrong syntax" replies, e.g. "report [period] [by DIM]". */
  usage: string;
  /** False only for start, help and link: everything else needs a linked partner. */
  needsPartner: boolean;
  run(ctx: CommandContext, args: string): Promise<Reply | Reply[]>;
  /** Handles a button press whose action starts with `${name}:`. */
  onAction?(ctx: CommandContext, action: string): Promise<Reply | Reply[]>;
}

/** Commands with needsPartner get one (the dispatcher guarantees it); this narrows the type. */
export function partnerOf(ctx: CommandContext): ChatPartner {
  if (!ctx.partner) throw new AppError('forbidden', 'not_linked', 'link your partner account first: send "link CODE"');
  return ctx.partner;
}
