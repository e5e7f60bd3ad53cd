import {
  endChatConversation,
  findChatConversation,
  saveChatConversation,
} from '../../src/app/chat/chat-conversations.js';
import type { CommandContext } from './command.js';
import type { Reply } from './reply.js';

/**
 * Guided flows (payment method, postback setup) remember where the user is in the database, one flow per
 * chat user, so a restart of the bot or a second bot process continues the same conversation.
 */

/** A flow left alone this long is forgotten; the user starts it again from its command. */
const FLOW_TTL_MS = 30 * 60_000;

export interface Conversation {
  flow: string;
  step: string;
  state: Record<string, unknown>;
  expiresAt: number;
}

/** What a flow handler gets: the usual command context (always with a partner) plus its conversation. */
export interface FlowContext extends CommandContext {
  conversation: Conversation;
}

export interface FlowHandler {
  /**
   * Free text the user typed while this flow is active (commands typed with a slash still run as commands,
   * and "cancel" ends the flow before this is called). Call setFlowStep to move on, endFlow when done.
   */
  onText(ctx: FlowContext, text: string): Promise<Reply | Reply[]>;
}

type FlowScope = Pick<CommandContext, 'app' | 'user' | 'now'>;

const keyOf = (ctx: FlowScope) => ({ platform: ctx.user.platform, userId: ctx.user.userId });

/** Starts (or restarts) `flow` at `step`; any other flow of this user is replaced. */
export async function startFlow(
  ctx: FlowScope,
  flow: string,
  step: string,
  state: Record<string, unknown> = {},
): Promise<void> {
  await saveChatConversation(ctx.app, keyOf(ctx), {
    flow,
    step,
    state,
    now: ctx.now,
    expiresAt: ctx.now + FLOW_TTL_MS,
  });
}

/** Moves the current flow to `step` with new state; also renews its time to live. */
export const setFlowStep = (ctx: FlowScope, flow: string, step: string, state: Record<string, unknown>) =>
  startFlow(ctx, flow, step, state);

export async function endFlow(ctx: FlowScope): Promise<void> {
  await endChatConversation(ctx.app, keyOf(ctx));
}

/** The user's active flow, or null; expired flows read as none. */
export async function currentFlow(ctx: FlowScope): Promise<Conversation | null> {
  const c = await findChatConversation(ctx.app, keyOf(ctx), ctx.now);
  return c ? { flow: c.flow, step: c.step, state: c.state, expiresAt: c.expiresAt } : null;
}
