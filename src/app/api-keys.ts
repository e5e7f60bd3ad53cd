import { createHash, randomBytes } from 'node:crypto';
import { findLiveApiKeyByHash, insertApiKey, liveKeyHashExists, touchApiKey } from '../db/repositories/api-keys.js';
import { AppError } from '../domain/errors.js';
import type { Deps } from './deps.js';

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
 * Looks a bearer key up by hash. Valid keys are cached briefly so hot API paths do not hit the database
 * per request; a revoked key stops working within the cache TTL.
 */
export function createApiKeyVerifier(deps: Deps, ttlMs = 30_000) {
  const cache = new Map<string, { p: ApiPrincipal; until: number }>();
  return async function verify(key: string | undefined): Promise<ApiPrincipal> {
    if (!key) {
      throw new AppError('unauthenticated', 'missing_api_key', 'send your API key as "Authorization: Bearer <key>"');
    }
    const hash = hashApiKey(key);
    const hit = cache.get(hash);
    const now = deps.now();
    if (hit && hit.until > now) return hit.p;
    const row = await findLiveApiKeyByHash(deps.db, hash);
    if (!row) {
      throw new AppError(
        'unauthenticated',
        'invalid_api_key',
        'this API key is unknown or revoked; create one with `partnerdesk apikey create <name>`',
      );
    }
    const p: ApiPrincipal = { keyId: row.id, name: row.name, role: row.role, partnerId: row.partner_id ?? null };
    cache.set(hash, { p, until: now + ttlMs });
    // Best effort: a lost last_used_at is harmless, so it is not awaited on the request path.
    touchApiKey(deps.db, row.id, now).catch(() => {});
    return p;
  };
}

/** Is this clear-text key known and not revoked? (The demo key `start` shows again.) */
export function isApiKeyLive(deps: Pick<Deps, 'db'>, key: string): Promise<boolean> {
  return liveKeyHashExists(deps.db, hashApiKey(key));
}
