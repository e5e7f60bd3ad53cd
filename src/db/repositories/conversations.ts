import type { Knex } from 'knex';
import type { ChatIdentityKey } from './chat-identities.js';

export interface ConversationRow {
  flow: string;
  step: string;
  /** Parsed JSON state. */
  state: Record<string, unknown>;
  updatedAt: number;
  expiresAt: number;
}

/** The user's guided flow, or undefined when there is none or it has expired (expired rows are removed). */
export async function findConversation(
  db: Knex,
  key: ChatIdentityKey,
  now: number,
): Promise<ConversationRow | undefined> {
  const r = await db('conversations').where({ platform: key.platform, user_id: key.userId }).first();
  if (!r) return undefined;
  if (Number(r.expires_at) <= now) {
    await deleteConversation(db, key);
    return undefined;
  }
  let state: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(String(r.state));
    if (parsed && typeof parsed === 'object') state = parsed as Record<string, unknown>;
  } catch {
    // A row we cannot read is treated as empty state; the flow asks again from its step.
  }
  return {
    flow: String(r.flow),
    step: String(r.step),
    state,
    updatedAt: Number(r.updated_at),
    expiresAt: Number(r.expires_at),
  };
}

export async function saveConversation(
  db: Knex,
  key: ChatIdentityKey,
  c: { flow: string; step: string; state: Record<string, unknown>; now: number; expiresAt: number },
): Promise<void> {
  await db('conversations')
    .insert({
      platform: key.platform,
      user_id: key.userId,
      flow: c.flow,
      step: c.step,
      state: JSON.stringify(c.state),
      updated_at: c.now,
      expires_at: c.expiresAt,
    })
    .onConflict(['platform', 'user_id'])
    .merge(['flow', 'step', 'state', 'updated_at', 'expires_at']);
}

export async function deleteConversation(db: Knex, key: ChatIdentityKey): Promise<void> {
  await db('conversations').where({ platform: key.platform, user_id: key.userId }).delete();
}
