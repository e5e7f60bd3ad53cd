import type { Config } from '../config/index.js';
import { withTimeout } from '../infra/with-timeout.js';
import { createDb } from './knex.js';

export interface DatabaseProbe {
  applied: number;
  pending: number;
}

/**
 * For `doctor`: one round trip and the migration list over a throwaway connection, closed before it returns.
 * Not the app's pool: the doctor must answer even when building the app would fail (that is what it
 * diagnoses), and within a few seconds whatever state the server is in. Rejects with what went wrong.
 */
export async function probeDatabase(database: Config['database'], timeoutMs = 5000): Promise<DatabaseProbe> {
  const db = createDb(database);
  try {
    await withTimeout(db.raw('select 1'), timeoutMs, 'the database');
    const [done, pending] = (await withTimeout(db.migrate.list(), timeoutMs, 'the database')) as [unknown[], unknown[]];
    return { applied: done.length, pending: pending.length };
  } finally {
    await db.destroy();
  }
}
