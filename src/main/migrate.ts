import type { Config } from '../config/index.js';
import { createDb, migrateLatest } from '../db/knex.js';

/** `partnerdesk migrate`: applies pending migrations on its own connection; what was applied, and the total. */
export async function migrateDatabase(config: Config): Promise<{ applied: string[]; total: number }> {
  const db = createDb(config.database);
  try {
    const applied = await migrateLatest(db);
    const [done] = (await db.migrate.list()) as [unknown[], unknown[]];
    return { applied, total: done.length };
  } finally {
    await db.destroy();
  }
}
