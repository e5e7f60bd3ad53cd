import { findChatPartner } from '../../src/app/chat/find-chat-partner.js';
import { AppError } from '../../src/domain/errors.js';
import type { App } from '../../src/main/create-app.js';
import type { ChatPartner, ChatUser, Command, CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { currentFlow, endFlow, type FlowHandler } from './conversation-state.js';
import { FLOWS } from './flows.js';
import { closeMatches, commandHint, parseCommand } from './parse-command.js';
import { type Reply, reply, text } from './reply.js';

/** What every adapter calls: text in, Replies out. Adapters never look inside commands. */
export interface BotCore {
  handleText(user: ChatUser, text: string): Promise<Reply[]>;
  /** A button press; `action` is the opaque string of the Button, routed to the command named before the first ':'. */
  handleAction(user: ChatUser, action: string): Promise<Reply[]>;
  commands: Command[];
  flows: Record<string, FlowHandler>;
}

export interface BotCoreOptions {
  /** Defaults to every command (bots/core/commands). */
  commands?: Command[];
  /** Defaults to every flow (bots/core/flows.ts). */
  flows?: Record<string, FlowHandler>;
}

/** Words that end a guided flow when typed during it (with or without a slash). */
const CANCEL_WORDS = new Set(['cancel', 'stop', 'abort']);

const asList = (r: Reply | Reply[]): Reply[] => (Array.isArray(r) ? r : [r]);
const say = (...lines: string[]): Reply[] => [reply([text(...lines)])];

interface Who {
  partner: ChatPartner | null;
  /** Set when the chat is linked to a partner that is not active (suspended, pending). */
  inactive: string | null;
}

export function createBotCore(app: App, opts: BotCoreOptions = {}): BotCore {
  const commands = opts.commands ?? COMMANDS;
  const flows = opts.flows ?? FLOWS;
  const log = app.logger.child({ component: 'bot' });
  const byName = new Map<string, Command>();
  for (const c of commands) {
    byName.set(c.name.toLowerCase(), c);
    for (const a of c.aliases ?? []) byName.set(a.toLowerCase(), c);
  }
  const names = [...new Set(commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]))];

  async function who(user: ChatUser): Promise<Who> {
    const id = await findChatPartner(app, { platform: user.platform, userId: user.userId });
    if (!id) return { partner: null, inactive: null };
    if (id.partnerStatus !== 'active') return { partner: null, inactive: id.partnerStatus };
    return {
      partner: { id: id.partnerId, name: id.partnerName, currency: id.currency, timezone: id.timezone },
      inactive: null,
    };
  }

  function linkFirst(user: ChatUser, w: Who): Reply[] {
    if (w.inactive) {
      return say(
        `Your partner account is ${w.inactive}, so the bot cannot show its data. Please contact your manager.`,
      );
    }
    return say(
      `Link your account first: ask your manager for a code, then send ${commandHint(user.platform, 'link CODE')}`,
    );
  }

  /** Runs `fn` and turns every failure into a reply a partner can act on; nothing internal leaks. */
  async function guarded(user: ChatUser, what: string, fn: () => Promise<Reply | Reply[]>): Promise<Reply[]> {
    try {
      return asList(await fn());
    } catch (err) {
      if (err instanceof AppError) {
        const m = err.message;
        return say(`${m.charAt(0).toUpperCase()}${m.slice(1)}`);
      }
      log.error({ err, event: 'bot.command_failed', command: what, platform: user.platform }, 'bot command failed');
      return say(
        'Sorry, something went wrong on our side. Please try again in a minute; if it keeps happening, tell your manager.',
      );
    }
  }

  async function runCommand(cmd: Command, ctx: CommandContext, w: Who, args: string): Promise<Reply[]> {
    if (cmd.needsPartner && !ctx.partner) return linkFirst(ctx.user, w);
    return guarded(ctx.user, cmd.name, () => cmd.run(ctx, args));
  }

  function unknown(user: ChatUser, name: string, allowed: (n: string) => boolean): Reply[] {
    // Aliases help matching, but the suggestion names the command itself ("bal" -> balance), once.
    const canonical = closeMatches(name, names.filter(allowed), 6).map((n) => byName.get(n)?.name ?? n);
    const near = [...new Set(canonical)].slice(0, 3).map((n) => commandHint(user.platform, n));
    const help = commandHint(user.platform, 'help');
    const shown = name.length > 32 ? `${name.slice(0, 32)}…` : name;
    return say(
      near.length > 0
        ? `I don't know "${shown}". Did you mean ${near.join(' or ')}? Send ${help} for every command.`
        : `I don't know "${shown}". Send ${help} for the list of commands.`,
    );
  }

  async function handleText(user: ChatUser, raw: string): Promise<Reply[]> {
    const w = await guardedWho(user);
    if (!w) return say('Sorry, something went wrong on our side. Please try again in a minute.');
    const ctx: CommandContext = { app, user, partner: w.partner, now: app.now(), commands };
    const parsed = parseCommand(raw);
    const help = commandHint(user.platform, 'help');
    if (!parsed) return say(`Send ${help} to see what I can do.`);
    const allowed = (n: string) => Boolean(ctx.partner) || !byName.get(n)?.needsPartner;

    const flow = ctx.partner ? await currentFlow(ctx) : null;
    if (flow && CANCEL_WORDS.has(parsed.name) && parsed.args === '') {
      await endFlow(ctx);
      return say('Cancelled. Nothing was changed.');
    }
    // Plain text answers the open step. Only a slash command, or a command word standing alone ("balance"
    // on the console or in a Slack DM, where commands have no slash), runs a command mid-flow (the flow
    // stays open for the next answer). An answer that merely begins with a command word is still an answer:
    // "Link Digital GmbH" is an account holder's name, not /link.
    if (flow && !parsed.slash && !(parsed.args === '' && byName.has(parsed.name))) {
      const handler = flows[flow.flow];
      if (handler) {
        return guarded(user, `flow:${flow.flow}`, () => handler.onText({ ...ctx, conversation: flow }, raw.trim()));
      }
      await endFlow(ctx); // a flow this build no longer knows: forget it rather than trap the user
    }
    const cmd = byName.get(parsed.name);
    if (cmd) return runCommand(cmd, ctx, w, parsed.args);
    if (CANCEL_WORDS.has(parsed.name)) return say('There is nothing to cancel.');
    // A single unknown word close to a command is a typo ("balanse"); a sentence is free text.
    if (parsed.slash || (parsed.args === '' && closeMatches(parsed.name, names.filter(allowed)).length > 0)) {
      return unknown(user, parsed.name, allowed);
    }
    return say(
      `I answer commands, not free text. Send ${help} to see them, for example ${commandHint(user.platform, ctx.partner ? 'balance' : 'link CODE')}.`,
    );
  }

  async function handleAction(user: ChatUser, action: string): Promise<Reply[]> {
    const w = await guardedWho(user);
    if (!w) return say('Sorry, something went wrong on our side. Please try again in a minute.');
    const ctx: CommandContext = { app, user, partner: w.partner, now: app.now(), commands };
    const name = action.split(':')[0]?.toLowerCase() ?? '';
    const cmd = byName.get(name);
    if (!cmd?.onAction) {
      return say(`That button no longer works. Send ${commandHint(user.platform, 'help')} to start again.`);
    }
    if (cmd.needsPartner && !ctx.partner) return linkFirst(user, w);
    const onAction = cmd.onAction.bind(cmd);
    return guarded(user, `${cmd.name}:action`, () => onAction(ctx, action));
  }

  /** Loading who is talking can itself fail (database down); that must not become a stack trace either. */
  async function guardedWho(user: ChatUser): Promise<Who | null> {
    try {
      return await who(user);
    } catch (err) {
      log.error({ err, event: 'bot.identity_failed', platform: user.platform }, 'could not load chat identity');
      return null;
    }
  }

  return { handleText, handleAction, commands, flows };
}
