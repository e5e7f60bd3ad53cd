import type { Knex } from 'knex';

/** The cheapest statement that proves the database answers (GET /healthz, `doctor`). */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
