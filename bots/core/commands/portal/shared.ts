import { AppError } from '../../../../src/domain/errors.js';
import type { CommandContext } from '../../command.js';
import { type Button, code, type Inline, type Reply, reply, text } from '../../reply.js';

/**
 * What the partner typed was wrong, or names something they cannot see: the error's own message (it says
 * what to do) and the command's syntax. Anything else is a fault for the dispatcher to log and apologise for.
 */
export async function orExplain(
  ctx: Pick<CommandContext, 'user'>,
  usage: string,
  fn: () => Promise<Reply | Reply[]>,
): Promise<Reply | Reply[]> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && (err.kind === 'invalid' || err.kind === 'not_found')) {
      return reply([text(err.message, ['Usage: ', cmd(ctx, usage)])]);
    }
    throw err;
  }
}

/**
 * A command to send, inside a line. On Telegram it is written `/campaign 12` as plain text, which Telegram
 * makes tappable (inside code it would not be); elsewhere the words in code, as the partner types them.
 */
export const cmd = (ctx: Pick<CommandContext, 'user'>, usage: string): Inline =>
  ctx.user.platform === 'telegram' ? `/${usage}` : code(usage);

/** The same inside a plain sentence: `/campaigns` on Telegram, `"campaigns"` elsewhere. */
export const cmdText = (ctx: Pick<CommandContext, 'user'>, usage: string): string =>
  ctx.user.platform === 'telegram' ? `/${usage}` : `"${usage}"`;

const encoder = new TextEncoder();

/** Telegram's callback_data holds 64 bytes: cut a free-text tail (a search) on a character boundary. */
export function fitAction(prefix: string, tail = ''): string {
  let t = tail;
  while (encoder.encode(prefix + t).length > 64) t = [...t].slice(0, -1).join('');
  return prefix + t;
}

/** "‹ Prev" / "Next ›" under a paged list; `action(page)` builds each button's action. */
export function pager(page: number, pages: number, action: (page: number) => string): Button[][] | undefined {
  const row: Button[] = [];
  if (page > 1) row.push({ label: '‹ Prev', action: action(page - 1) });
  if (page < pages) row.push({ label: 'Next ›', action: action(page + 1) });
  return row.length > 0 ? [row] : undefined;
}

/** Page number from an action part; 1 for anything odd (a stale or hand-made button). */
export const pageOf = (s: string | undefined): number => {
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};
