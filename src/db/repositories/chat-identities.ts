import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export interface ChatIdentityKey {
  platform: string;
  userId: string;
}

/** A linked chat user with the partner fields every command needs. */
export interface LinkedIdentity {
  partnerId: number;
  partnerName: string;
  partnerStatus: string;
  currency: string;
  timezone: string;
  chatId: string;
  notify: boolean;
  linkedAt: number;
}

export async function findLinkedIdentity(db: Q, key: ChatIdentityKey): Promise<LinkedIdentity | undefined> {
  const r = await db('chat_identities as ci')
    .join('partners as p', 'p.id', 'ci.partner_id')
    .select(
      'ci.partner_id',
      'ci.chat_id',
      'ci.notify',
      'ci.linked_at',
      'p.name',
      'p.status',
      'p.currency',
      'p.timezone',
    )
    .where({ 'ci.platform': key.platform, 'ci.user_id': key.userId })
    .first();
  if (!r) return undefined;
  return {
    partnerId: Number(r.partner_id),
    partnerName: String(r.name),
    partnerStatus: String(r.status),
    currency: String(r.currency),
    timezone: String(r.timezone),
    chatId: String(r.chat_id),
    // SQLite returns 0/1 for booleans.
    notify: Boolean(r.notify),
    linkedAt: Number(r.linked_at),
  };
}

/** Ties the chat user to a partner, replacing any earlier link; notify starts off for a new partner. */
export async function upsertChatIdentity(
  db: Q,
  key: ChatIdentityKey,
  row: { partnerId: number; chatId: string; linkedAt: number },
): Promise<void> {
  await db('chat_identities')
    .insert({
      platform: key.platform,
      user_id: key.userId,
      partner_id: row.partnerId,
      chat_id: row.chatId,
      linked_at: row.linkedAt,
      notify: false,
    })
    .onConflict(['platform', 'user_id'])
    .merge(['partner_id', 'chat_id', 'linked_at', 'notify']);
}

export async function deleteChatIdentity(db: Q, key: ChatIdentityKey): Promise<number> {
  return db('chat_identities').where({ platform: key.platform, user_id: key.userId }).delete();
}

export async function setChatNotify(db: Q, key: ChatIdentityKey, notify: boolean): Promise<number> {
  return db('chat_identities').where({ platform: key.platform, user_id: key.userId }).update({ notify });
}

export interface LinkCodeRow {
  id: number;
  partner_id: number;
  expires_at: number;
  used_at: number | null;
}

export async function insertLinkCode(
  db: Q,
  row: { code_hash: string; partner_id: number; created_at: number; expires_at: number },
): Promise<void> {
  await db('link_codes').insert(row);
}

export async function findLinkCode(db: Q, codeHash: string): Promise<LinkCodeRow | undefined> {
  const r = await db('link_codes')
    .select('id', 'partner_id', 'expires_at', 'used_at')
    .where({ code_hash: codeHash })
    .first();
  if (!r) return undefined;
  return {
    id: Number(r.id),
    partner_id: Number(r.partner_id),
    expires_at: Number(r.expires_at),
    used_at: r.used_at === null ? null : Number(r.used_at),
  };
}

/** Marks a code used unless someone else got there first; true when this call won. */
export async function claimLinkCode(db: Q, id: number, usedAt: number, usedBy: string): Promise<boolean> {
  const n = await db('link_codes').where({ id }).whereNull('used_at').update({ used_at: usedAt, used_by: usedBy });
  return n === 1;
}

export async function recordLinkAttempt(db: Q, key: ChatIdentityKey, at: number): Promise<void> {
  await db('link_attempts').insert({ platform: key.platform, user_id: key.userId, at });
}

/** Times of failed attempts since `since`, oldest first. */
export async function recentLinkAttempts(db: Q, key: ChatIdentityKey, since: number): Promise<number[]> {
  const rows = await db('link_attempts')
    .select('at')
    .where({ platform: key.platform, user_id: key.userId })
    .andWhere('at', '>=', since)
    .orderBy('at', 'asc');
  return rows.map((r) => Number(r.at));
}

/** Failed attempts of every chat user since `since`: the global guess limit. */
export async function countLinkAttemptsSince(db: Q, since: number): Promise<number> {
  const r = await db('link_attempts').where('at', '>=', since).count({ n: '*' }).first();
  return Number(r?.['n'] ?? 0);
}

export async function clearLinkAttempts(db: Q, key: ChatIdentityKey, before?: number): Promise<void> {
  await db('link_attempts')
    .where({ platform: key.platform, user_id: key.userId })
    .modify((q) => {
      if (before !== undefined) q.andWhere('at', '<', before);
    })
    .delete();
}
