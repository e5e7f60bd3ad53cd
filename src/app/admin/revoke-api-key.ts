import { findApiKeyRow, markApiKeyRevoked } from '../../db/repositories/api-keys.js';
import { notFound } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema } from './admin-input.js';

/**
 * Revokes a key; idempotent. Every running process forgets the key as soon as the revocation commits (the
 * cache bus, see api-keys.ts), so it is refused everywhere within a moment.
 */
export async function revokeApiKey(
  deps: Deps,
  rawId: unknown,
): Promise<{ id: number; name: string; alreadyRevoked: boolean }> {
  const id = parseInput(idSchema('key'), rawId, 'id');
  const row = await findApiKeyRow(deps.db, id);
  if (!row) throw notFound('api_key_not_found', `API key ${id} does not exist; see \`partnerdesk apikey list\``, 'id');
  if (row.revoked_at === null) await markApiKeyRevoked(deps.db, id, deps.now());
  // Every time, even when it was already revoked: a retry after a lost announcement still reaches everyone.
  await deps.cacheBus?.publish('api-keys', id);
  return { id, name: row.name, alreadyRevoked: row.revoked_at !== null };
}
