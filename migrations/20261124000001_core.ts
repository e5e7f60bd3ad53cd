import type { Knex } from 'knex';

/**
 * The core schema. It must mean the same on SQLite and PostgreSQL, so: times are bigint epoch
 * milliseconds (UTC, no driver time-zone surprises); money is bigint minor units beside a currency;
 * JSON is stored as text; enums are checked strings.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partners', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable().unique();
    t.string('company', 200);
    t.string('status', 16).notNullable().defaultTo('active'); // pending | active | suspended
    t.string('currency', 3).notNullable().defaultTo('USD');
    t.string('timezone', 64).notNullable().defaultTo('UTC');
    t.integer('referrer_id').references('partners.id');
    /** Overrides the configured referral rate for this partner's referrer, in basis points. */
    t.integer('referral_rate_bp');
    /** Smallest balance paid out, minor units. */
    t.bigInteger('min_payout').notNullable().defaultTo(5000);
    t.string('payout_schedule', 16).notNullable().defaultTo('monthly'); // weekly | biweekly | monthly
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['referrer_id']);
  });

  await knex.schema.createTable('campaigns', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.string('type', 16).notNullable(); // cpa | cpl | cps | revshare
    t.string('category', 64).notNullable().defaultTo('other');
    t.text('description').notNullable().defaultTo('');
    t.string('status', 16).notNullable().defaultTo('active'); // active | paused | archived
    /** Landing URL template with click macros ({clickid}, {sub1} ...); a campaign's default landing. */
    t.text('landing_url').notNullable();
    t.string('currency', 3).notNullable().defaultTo('USD');
    /** JSON array of hostnames a deeplink may point to. */
    t.text('deeplink_domains').notNullable().defaultTo('[]');
    /** public: every active partner may run it; approval: only partners with approved access. */
    t.string('access', 16).notNullable().defaultTo('approval');
    t.string('geo_targets', 512).notNullable().defaultTo(''); // comma-separated ISO countries, '' = worldwide
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('campaign_payouts', (t) => {
    t.increments('id').primary();
    t.integer('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    /** Canonical spelling, as shown to partners ("Deposit"). */
    t.string('conversion_type', 64).notNullable();
    /** Lower-case key that incoming types are matched on, so "deposit" finds "Deposit". */
    t.string('type_key', 64).notNullable();
    t.string('kind', 16).notNullable(); // fixed | revshare
    t.bigInteger('amount').notNullable().defaultTo(0); // fixed payout, minor units
    t.integer('percent_bp').notNullable().defaultTo(0); // revshare, basis points of revenue
    t.bigInteger('default_revenue').notNullable().defaultTo(0); // revenue when the advertiser sends none
    t.unique(['campaign_id', 'type_key']);
  });

  await knex.schema.createTable('landings', (t) => {
    t.increments('id').primary();
    t.integer('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.text('url').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.string('status', 16).notNullable().defaultTo('active');
    t.index(['campaign_id']);
  });

  await knex.schema.createTable('creatives', (t) => {
    t.increments('id').primary();
    t.integer('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('kind', 16).notNullable(); // banner | text | video
    t.text('url').notNullable().defaultTo('');
    t.integer('width');
    t.integer('height');
    t.text('body').notNullable().defaultTo('');
    t.index(['campaign_id']);
  });

  await knex.schema.createTable('partner_campaigns', (t) => {
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    t.integer('campaign_id').notNullable().references('campaigns.id').onDelete('CASCADE');
    t.string('status', 16).notNullable().defaultTo('approved'); // pending | approved | rejected
    t.bigInteger('created_at').notNullable();
    t.primary(['partner_id', 'campaign_id']);
  });

  await knex.schema.createTable('clicks', (t) => {
    t.bigIncrements('id').primary();
    /** Public, random, URL-safe; a bearer token for attribution. */
    t.string('click_id', 32).notNullable().unique();
    t.integer('campaign_id').notNullable().references('campaigns.id');
    t.integer('partner_id').notNullable().references('partners.id');
    t.integer('landing_id').references('landings.id');
    t.string('ref_id', 256);
    for (const s of ['sub1', 'sub2', 'sub3', 'sub4', 'sub5']) t.string(s, 256);
    t.string('country', 2).notNullable().defaultTo('');
    t.string('device', 16).notNullable().defaultTo('');
    t.string('os', 32).notNullable().defaultTo('');
    t.string('browser', 32).notNullable().defaultTo('');
    /** IPv4 /24 or IPv6 /48: enough for fraud checks, not enough to identify a person. */
    t.string('ip', 64).notNullable().defaultTo('');
    t.string('user_agent', 512).notNullable().defaultTo('');
    /** Share of ingested costs, minor units of the campaign currency. */
    t.bigInteger('cost').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.index(['partner_id', 'created_at']);
    t.index(['campaign_id', 'created_at']);
  });

  await knex.schema.createTable('conversions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('click_row_id').notNullable().references('clicks.id');
    t.integer('partner_id').notNullable().references('partners.id');
    t.integer('campaign_id').notNullable().references('campaigns.id');
    t.string('type', 64).notNullable();
    t.string('type_key', 64).notNullable();
    t.string('status', 16).notNullable(); // pending | approved | declined
    t.bigInteger('payout').notNullable().defaultTo(0);
    t.bigInteger('revenue').notNullable().defaultTo(0);
    t.string('currency', 3).notNullable();
    /** '' when the advertiser sent none, so (click, type, '') still de-duplicates. */
    t.string('txid', 128).notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['click_row_id', 'type_key', 'txid']);
    t.index(['partner_id', 'created_at']);
    t.index(['txid']);
  });

  await knex.schema.createTable('payment_methods', (t) => {
    t.increments('id').primary();
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // paypal | wire | wise | crypto
    t.text('details').notNullable().defaultTo('{}'); // JSON
    t.boolean('is_default').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.index(['partner_id']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.increments('id').primary();
    t.integer('partner_id').notNullable().references('partners.id');
    t.integer('method_id').references('payment_methods.id');
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('status', 16).notNullable(); // requested | processing | paid | failed | cancelled
    t.string('reference', 128).notNullable().defaultTo('');
    t.bigInteger('period_from');
    t.bigInteger('period_to');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('paid_at');
    t.index(['partner_id', 'created_at']);
  });

  /**
   * Append-only. A partner's balance is the sum of `available` entries; `pending` holds payouts of
   * conversions not yet approved. Every status or payout change appends the difference, never edits.
   */
  await knex.schema.createTable('ledger_entries', (t) => {
    t.bigIncrements('id').primary();
    t.integer('partner_id').notNullable().references('partners.id');
    t.string('account', 24).notNullable(); // available | pending | referral | referral_pending
    t.bigInteger('amount').notNullable(); // signed minor units
    t.string('currency', 3).notNullable();
    t.string('reason', 32).notNullable(); // conversion | status_change | payout_change | payment | referral ...
    t.bigInteger('conversion_id').references('conversions.id');
    t.integer('payment_id').references('payments.id');
    t.bigInteger('created_at').notNullable();
    t.index(['partner_id', 'account']);
    t.index(['conversion_id']);
  });

  await knex.schema.createTable('referral_commissions', (t) => {
    t.bigIncrements('id').primary();
    t.integer('referrer_id').notNullable().references('partners.id');
    t.integer('referred_id').notNullable().references('partners.id');
    t.bigInteger('conversion_id').notNullable().references('conversions.id').unique();
    t.integer('rate_bp').notNullable();
    t.bigInteger('amount').notNullable(); // current commission, minor units
    t.string('status', 16).notNullable(); // mirrors the conversion: pending | approved | declined
    t.string('currency', 3).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['referrer_id', 'created_at']);
  });

  await knex.schema.createTable('costs', (t) => {
    t.bigIncrements('id').primary();
    t.integer('campaign_id').notNullable().references('campaigns.id');
    t.integer('partner_id').references('partners.id');
    t.string('country', 2);
    t.string('sub_name', 8);
    t.string('sub_value', 256);
    t.bigInteger('time_from').notNullable();
    t.bigInteger('time_to').notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.integer('clicks').notNullable(); // how many clicks it was spread over
    t.bigInteger('created_at').notNullable();
    t.index(['campaign_id', 'time_from']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable();
    /** sha256 of the key; the key itself is shown once and never stored. */
    t.string('key_hash', 64).notNullable().unique();
    t.string('prefix', 16).notNullable(); // first characters, to tell keys apart in lists
    t.string('role', 16).notNullable().defaultTo('admin'); // admin | partner
    t.integer('partner_id').references('partners.id');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at');
    t.bigInteger('revoked_at');
  });

  /**
   * Report rollups, kept in the same transaction as the facts. `rollup_hourly` has every dimension the
   * report engine filters on; `rollup_dim_hourly` projects it onto one dimension at a time (dim = all,
   * campaign, landing, geo, device, os) so a one-dimension report for one partner reads a few thousand rows
   * instead of hundreds of thousands. type_key is '' on click/cost rows and the conversion type otherwise.
   */
  const metrics = (t: Knex.CreateTableBuilder) => {
    t.bigInteger('clicks').notNullable().defaultTo(0);
    t.bigInteger('cost').notNullable().defaultTo(0);
    t.bigInteger('conv_total').notNullable().defaultTo(0); // pending + approved
    t.bigInteger('conv_approved').notNullable().defaultTo(0);
    t.bigInteger('conv_pending').notNullable().defaultTo(0);
    t.bigInteger('conv_declined').notNullable().defaultTo(0);
    t.bigInteger('payout').notNullable().defaultTo(0); // pending + approved
    t.bigInteger('payout_approved').notNullable().defaultTo(0);
    t.bigInteger('revenue').notNullable().defaultTo(0); // pending + approved
  };
  await knex.schema.createTable('rollup_hourly', (t) => {
    t.integer('hour').notNullable(); // epoch hours, UTC
    t.integer('partner_id').notNullable();
    t.integer('campaign_id').notNullable();
    t.integer('landing_id').notNullable(); // 0 = none
    t.string('country', 2).notNullable();
    t.string('device', 16).notNullable();
    t.string('os', 32).notNullable();
    t.string('type_key', 64).notNullable();
    metrics(t);
    t.primary(['partner_id', 'hour', 'campaign_id', 'landing_id', 'country', 'device', 'os', 'type_key']);
    t.index(['campaign_id', 'hour']);
  });
  await knex.schema.createTable('rollup_dim_hourly', (t) => {
    t.integer('partner_id').notNullable();
    t.string('dim', 16).notNullable();
    t.integer('hour').notNullable();
    t.string('value', 64).notNullable();
    t.string('type_key', 64).notNullable();
    metrics(t);
    t.primary(['partner_id', 'dim', 'hour', 'value', 'type_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'rollup_dim_hourly',
    'rollup_hourly',
    'api_keys',
    'costs',
    'referral_commissions',
    'ledger_entries',
    'payments',
    'payment_methods',
    'conversions',
    'clicks',
    'partner_campaigns',
    'creatives',
    'landings',
    'campaign_payouts',
    'campaigns',
    'partners',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
