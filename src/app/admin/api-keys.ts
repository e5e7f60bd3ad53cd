import { createHash, randomBytes } from 'node:crypto';
import { findLiveApiKeyByHash, insertApiKey, liveKeyHashExists, touchApiKey } from '../../db/repositories/api-keys.js';
import { AppError } from '../../domain/errors.js';
import { createCachedLookup } from '../../infra/cached-lookup.js';
import type { Deps } from '../deps.js';

export interface ApiPrincipal {
  keyId: number;
  name: string;
  role: 'admin' | 'partner';
  partnerId: number | null;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates a key and returns it in clear exactly once; only its sha256 is stored. */
export async function createApiKey(
  deps: Deps,
  input: { name: string; role?: 'admin' | 'partner'; partnerId?: number | null },
): Promise<{ id: number; key: string; prefix: string }> {
  const key = `pd_${randomBytes(24).toString('base64url')}`;
  const prefix = key.slice(0, 10);
  const id = await insertApiKey(deps.db, {
    name: input.name,
    key_hash: hashApiKey(key),
    prefix,
    role: input.role ?? 'admin',
    partner_id: input.partnerId ?? null,
    created_at: deps.now(),
  });
  return { id, key, prefix };
}

/**
 * Looks a bearer key up by hash. Valid keys are cached so hot API paths do not hit the database per request.
 * A revoked key is refused at once in every process: revokeApiKey announces it on the cache bus after the
 * change commits and each process forgets that key (infra/cache-bus.ts). The TTL is the safety net for a
 * revoke that could not reach Redis. Unknown keys are not cached: a key created a moment later must work.
 */
export function createApiKeyVerifier(deps: Deps, ttlMs = 30_000) {
  const bus = deps.cacheBus;
  const lookup = createCachedLookup(
    async (hash: string): Promise<ApiPrincipal | null> => {
      const row = await findLiveApiKeyByHash(deps.db, hash);
      if (!row) return null;
      // Best effort: a lost last_used_at is harmless, so it is not awaited on the request path.
      touchApiKey(deps.db, row.id, deps.now()).catch(() => {});
      const role = row.role === 'admin' ? 'admin' : 'partner';
      return { keyId: Number(row.id), name: row.name, role, partnerId: row.partner_id ?? null };
    },
    { max: 10_000, ttlMs, trusted: bus ? () => bus.live() : undefined, keep: (p) => p !== null },
  );
  bus?.subscribe('api-keys', (keyId) => {
    if (keyId === undefined) return lookup.clear();
    for (const [hash, p] of [...lookup.entries()]) if (p && String(p.keyId) === keyId) lookup.delete(hash);
  });
  return async function verify(key: string | undefined): Promise<ApiPrincipal> {
    if (!key) {
      throw new AppError('unauthenticated', 'missing_api_key', 'send your API key as "Authorization: Bearer <key>"');
    }
    const p = await lookup.get(hashApiKey(key));
    if (!p) {
      throw new AppError(
        'unauthenticated',
        'invalid_api_key',
        'this API key is unknown or revoked; create one with `partnerdesk apikey create <name>`',
      );
    }
    return p;
  };
}

/** Is this clear-text key known and not revoked? (The demo key `start` shows again.) */
export function isApiKeyLive(deps: Pick<Deps, 'db'>, key: string): Promise<boolean> {
  return liveKeyHashExists(deps.db, hashApiKey(key));
}
