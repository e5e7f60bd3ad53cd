import { type ApiKeyListing, listApiKeyRows } from '../../db/repositories/api-keys.js';
import type { Deps } from '../deps.js';

/** Keys by id, never their hashes; revoked keys only when asked for. */
export async function listApiKeys(deps: Deps, opts: { includeRevoked?: boolean } = {}): Promise<ApiKeyListing[]> {
  return listApiKeyRows(deps.db, opts.includeRevoked ?? false);
}
