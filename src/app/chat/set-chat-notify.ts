import {
  type ChatIdentityKey,
  findLinkedIdentity,
  setChatNotify as setNotifyRow,
} from '../../db/repositories/chat-identities.js';
import { notFound } from '../../domain/errors.js';
import type { Deps } from '../deps.js';

/** Turns real-time conversion messages on or off for one linked chat (not for every chat of the partner). */
export async function setChatNotify(deps: Deps, user: ChatIdentityKey, on: boolean): Promise<void> {
  const n = await setNotifyRow(deps.db, user, on);
  if (n === 0) throw notFound('chat_not_linked', 'this chat is not linked to a partner; send /link CODE first');
}

/** Whether this chat gets real-time conversion messages (false when it is not linked). */
export async function getChatNotify(deps: Deps, user: ChatIdentityKey): Promise<boolean> {
  return (await findLinkedIdentity(deps.db, user))?.notify ?? false;
}
