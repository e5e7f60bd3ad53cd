import type { Knex } from 'knex';

/**
 * rollup_deltas: what facts add to the report rollups, appended by the click and conversion transactions on
 * PostgreSQL instead of upserting the hot rollup rows there (two api processes queued behind each other's
 * row locks on `insert into rollup_hourly ... on conflict`). Plain inserts take no shared row lock. A job
 * folds them into rollup_hourly / rollup_dim_hourly / rollup_dim_daily and deletes them in one transaction
 * (src/db/rollup-fold.ts); reports add the rows still here, so they stay exact.
 *
 * Keyed like rollup_hourly (the full key), pre-summed per transaction. No secondary index: the table holds
 * only the seconds of traffic not yet folded, and every insert would pay for one. SQLite keeps its
 * in-transaction upserts (one writer, nothing to contend with), so the table stays empty there.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rollup_deltas', (t) => {
    t.bigIncrements('id');
    t.integer('hour').notNullable(); // epoch hours, UTC
    t.integer('partner_id').notNullable();
    t.integer('campaign_id').notNullable();
    t.integer('landing_id').notNullable(); // 0 = none
    t.string('country', 2).notNullable();
    t.string('device', 16).notNullable();
    t.string('os', 32).notNullable();
    t.string('type_key', 64).notNullable();
    for (const m of [
      'clicks',
      'cost',
      'conv_total',
      'conv_approved',
      'conv_pending',
      'conv_declined',
      'payout',
      'payout_approved',
      'revenue',
    ]) {
      t.bigInteger(m).notNullable().defaultTo(0);
    }
  });
  if (knex.client.config.client === 'pg') {
    // Every row is deleted within seconds of its insert: vacuum after a fixed number of dead rows, not a
    // fraction of a table that stays small, so report scans of the tail do not wade through dead tuples.
    await knex.raw(
      'alter table rollup_deltas set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000)',
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rollup_deltas');
}
