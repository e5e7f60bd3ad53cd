import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApiKey, isApiKeyLive } from '../app/admin/api-keys.js';
import type { Deps } from '../app/deps.js';
import { markApiKeyRevoked } from '../db/repositories/api-keys.js';
import { ensurePrivateDir } from '../infra/private-files.js';

/**
 * The demo admin key is created when the demo data is seeded. Only its hash is in the database, so the key
 * itself is kept in DATA_DIR/demo-api-key.txt (mode 600, like an ssh key) for later `npm start`s to show
 * again. Delete the file, or revoke the key, to stop that.
 */
export const demoKeyFile = (dataDir: string) => path.join(dataDir, 'demo-api-key.txt');

export async function createDemoKey(deps: Deps, dataDir: string): Promise<string> {
  // DATA_DIR may not exist yet with PostgreSQL (nothing else needed it); create it before the key exists.
  ensurePrivateDir(dataDir);
  const { id, key } = await createApiKey(deps, { name: 'demo' });
  const file = demoKeyFile(dataDir);
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // writeFileSync keeps the mode of an existing file
  } catch (err) {
    // A key whose secret was never shown or saved is of use to nobody: revoke it rather than leave it live.
    await markApiKeyRevoked(deps.db, id, deps.now());
    throw err;
  }
  return key;
}

/** The saved demo key if it still works; null when there is none or it was revoked. */
export async function readDemoKey(deps: Deps, dataDir: string): Promise<string | null> {
  const file = demoKeyFile(dataDir);
  if (!existsSync(file)) return null;
  const key = readFileSync(file, 'utf8').trim();
  if (!key) return null;
  return (await isApiKeyLive(deps, key)) ? key : null;
}
