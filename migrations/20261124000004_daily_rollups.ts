import type { Knex } from 'knex';

const KEY = 'partner_id, dim, day, value, type_key';
const METRICS =
  'clicks, cost, conv_total, conv_approved, conv_pending, conv_declined, payout, payout_approved, revenue';

/**
 * rollup_dim_daily: rollup_dim_hourly summed per UTC day (day = epoch days). A one-partner 30-day report
 * grouped by geo summed ~47k hourly rows (p95 at or over its 50 ms target on SQLite); read as whole days
 * plus at most 2 x 23 edge hours it touches ~24 times fewer rows. Written in the same transaction as the
 * hourly rows (src/db/rollups.ts, click-batch.ts), never derived later, so the two always agree.
 *
 * Indexes mirror 20261124000002 for rollup_dim_hourly: (dim, day) for the all-partners report, and on
 * PostgreSQL the metrics ride in the primary key (INCLUDE) so a one-partner read is an index-only scan.
 *
 * Upgraded databases are backfilled from rollup_dim_hourly (hour / 24 is the UTC day: hours are >= 0, so
 * integer division floors on both engines).
 */
export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('rollup_dim_daily', (t) => {
    t.integer('partner_id').notNullable();
    t.string('dim', 16).notNullable();
    t.integer('day').notNullable(); // epoch days, UTC
    t.string('value', 64).notNullable();
    t.string('type_key', 64).notNullable();
    for (const m of METRICS.split(', ')) t.bigInteger(m).notNullable().defaultTo(0);
    if (!pg) t.primary(['partner_id', 'dim', 'day', 'value', 'type_key']);
    t.index(['dim', 'day'], 'rollup_dim_daily_dim_day');
  });
  if (pg) {
    await knex.raw(
      `ALTER TABLE rollup_dim_daily ADD CONSTRAINT rollup_dim_daily_pkey PRIMARY KEY (${KEY}) INCLUDE (${METRICS})`,
    );
  }
  await backfillDimDaily(knex);
}

/**
 * Fills an EMPTY rollup_dim_daily from rollup_dim_hourly (also used by the report benchmark's generator and
 * for its cached data files).
 */
export async function backfillDimDaily(knex: Knex): Promise<void> {
  const sums = METRICS.split(', ')
    .map((m) => `sum(${m})`)
    .join(', ');
  await knex.raw(`
    INSERT INTO rollup_dim_daily (${KEY}, ${METRICS})
    SELECT partner_id, dim, hour / 24, value, type_key, ${sums}
    FROM rollup_dim_hourly GROUP BY partner_id, dim, hour / 24, value, type_key`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rollup_dim_daily');
}
