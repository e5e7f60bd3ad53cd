import {
  type ChatIdentityKey,
  findLinkedIdentity,
  type LinkedIdentity,
} from '../../db/repositories/chat-identities.js';
import type { Deps } from '../deps.js';

/** The partner a chat user is linked to (with the partner's status, currency, timezone), if any. */
export function findChatPartner(deps: Pick<Deps, 'db'>, key: ChatIdentityKey): Promise<LinkedIdentity | undefined> {
  return findLinkedIdentity(deps.db, key);
}
