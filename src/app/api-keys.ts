import { createHash, randomBytes } from 'node:crypto';
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
  const [row] = await deps
    .db('api_keys')
    .insert({
      name: input.name,
      key_hash: hashApiKey(key),
      prefix,
      role: input.role ?? 'admin',
      partner_id: input.partnerId ?? null,
      created_at: deps.now(),
    })
    .returning('id');
  const id = typeof row === 'object' ? (row as { id: number }).id : (row as number);
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
    const row = await deps.db('api_keys').where({ key_hash: hash }).whereNull('revoked_at').first();
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
    deps
      .db('api_keys')
      .where({ id: row.id })
      .update({ last_used_at: now })
      .catch(() => {});
    return p;
  };
}
