import type { Knex } from 'knex';

/** An api_keys row without its hash: nothing that lists keys ever needs the hash. */
export interface ApiKeyListing {
  id: number;
  name: string;
  prefix: string;
  role: string;
  partner_id: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const LISTED = ['id', 'name', 'prefix', 'role', 'partner_id', 'created_at', 'last_used_at', 'revoked_at'] as const;

export async function listApiKeyRows(db: Knex, includeRevoked: boolean): Promise<ApiKeyListing[]> {
  return db('api_keys')
    .select(...LISTED)
    .modify((q) => {
      if (!includeRevoked) q.whereNull('revoked_at');
    })
    .orderBy('id');
}

export async function findApiKeyRow(db: Knex, id: number): Promise<ApiKeyListing | undefined> {
  return db('api_keys')
    .select(...LISTED)
    .where({ id })
    .first();
}

export async function markApiKeyRevoked(db: Knex, id: number, at: number): Promise<void> {
  await db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: at });
}

/** Is there a live (not revoked) key with this hash? */
export async function liveKeyHashExists(db: Knex, hash: string): Promise<boolean> {
  return (await db('api_keys').select('id').where({ key_hash: hash }).whereNull('revoked_at').first()) !== undefined;
}

export interface NewApiKey {
  name: string;
  key_hash: string;
  prefix: string;
  role: 'admin' | 'partner';
  partner_id: number | null;
  created_at: number;
}

export async function insertApiKey(db: Knex, row: NewApiKey): Promise<number> {
  const [r] = await db('api_keys').insert(row).returning('id');
  return typeof r === 'object' ? (r as { id: number }).id : (r as number);
}

/** The live key with this hash, with what a principal needs. */
export async function findLiveApiKeyByHash(
  db: Knex,
  hash: string,
): Promise<{ id: number; name: string; role: 'admin' | 'partner'; partner_id: number | null } | undefined> {
  return db('api_keys')
    .select('id', 'name', 'role', 'partner_id')
    .where({ key_hash: hash })
    .whereNull('revoked_at')
    .first();
}

export async function touchApiKey(db: Knex, id: number, at: number): Promise<void> {
  await db('api_keys').where({ id }).update({ last_used_at: at });
}
