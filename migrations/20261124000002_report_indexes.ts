import type { Knex } from 'knex';

const KEY = 'partner_id, dim, hour, value, type_key';
const METRICS =
  'clicks, cost, conv_total, conv_approved, conv_pending, conv_declined, payout, payout_approved, revenue';

/**
 * Indexes for the report engine.
 *
 * - (dim, hour): the all-partners report reads rollup_dim_hourly by dimension and hour with no partner;
 *   the primary key starts with partner_id and cannot serve that range.
 * - PostgreSQL: the primary key carries the metrics (INCLUDE), so a one-partner report is an index-only
 *   scan of one contiguous key range. Without it, a big partner's 30-day geo report visits ~17k heap pages
 *   (rollup rows of one partner are spread over the table in arrival order) and misses its 50 ms target
 *   on a default 128 MB shared_buffers. The upsert's ON CONFLICT still infers this key (INCLUDE columns
 *   are not part of it). SQLite has no INCLUDE; there the plain key meets the target (bench/report.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rollup_dim_hourly', (t) => {
    t.index(['dim', 'hour'], 'rollup_dim_hourly_dim_hour');
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      `ALTER TABLE rollup_dim_hourly DROP CONSTRAINT rollup_dim_hourly_pkey,
       ADD CONSTRAINT rollup_dim_hourly_pkey PRIMARY KEY (${KEY}) INCLUDE (${METRICS})`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      `ALTER TABLE rollup_dim_hourly DROP CONSTRAINT rollup_dim_hourly_pkey,
       ADD CONSTRAINT rollup_dim_hourly_pkey PRIMARY KEY (${KEY})`,
    );
  }
  await knex.schema.alterTable('rollup_dim_hourly', (t) => {
    t.dropIndex(['dim', 'hour'], 'rollup_dim_hourly_dim_hour');
  });
}
