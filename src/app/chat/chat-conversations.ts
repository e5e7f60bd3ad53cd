import type { ChatIdentityKey } from '../../db/repositories/chat-identities.js';
import {
  type ConversationRow,
  deleteConversation,
  findConversation,
  saveConversation,
} from '../../db/repositories/conversations.js';
import type { Deps } from '../deps.js';

/**
 * A chat user's guided flow (postback set, paymethod), kept in the database so it survives a restart and
 * any process can continue it. Expired flows read as none.
 */
export function findChatConversation(
  deps: Pick<Deps, 'db'>,
  key: ChatIdentityKey,
  now: number,
): Promise<ConversationRow | undefined> {
  return findConversation(deps.db, key, now);
}

/** Starts or moves a flow (replacing any other flow of this user), with its time to live. */
export function saveChatConversation(
  deps: Pick<Deps, 'db'>,
  key: ChatIdentityKey,
  c: { flow: string; step: string; state: Record<string, unknown>; now: number; expiresAt: number },
): Promise<void> {
  return saveConversation(deps.db, key, c);
}

export function endChatConversation(deps: Pick<Deps, 'db'>, key: ChatIdentityKey): Promise<void> {
  return deleteConversation(deps.db, key);
}
