import type { Knex } from 'knex';

/**
 * The postback relay. `postback_deliveries` is the OUTBOX: one row per (postback, conversion, event), written
 * in the same transaction as the conversion change, so Redis (BullMQ) only ever holds a copy of what is due.
 * Its id is the BullMQ jobId and the partner's {postback_id}, stable across retries.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('postbacks', (t) => {
    t.increments('id').primary();
    t.integer('partner_id').notNullable().references('partners.id');
    /** null: every campaign of the partner (global). */
    t.integer('campaign_id').references('campaigns.id');
    t.text('url').notNullable();
    t.string('method', 4).notNullable().defaultTo('GET'); // GET | POST
    t.string('body_format', 8).notNullable().defaultTo('none'); // none | form | json
    t.text('body_template').notNullable().defaultTo('');
    /** JSON arrays; [] means all. Types are stored lower-case (type_key). */
    t.text('conversion_types').notNullable().defaultTo('[]');
    t.text('statuses').notNullable().defaultTo('[]');
    /** Send every status change (within the status filter), not only the conversion entering the filter. */
    t.boolean('on_status_change').notNullable().defaultTo(false);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('disabled_reason', 500);
    t.bigInteger('deleted_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['partner_id']);
  });

  await knex.schema.createTable('postback_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.integer('postback_id').notNullable().references('postbacks.id');
    t.integer('partner_id').notNullable();
    t.bigInteger('conversion_id').notNullable().references('conversions.id');
    /** 'created' | 'status:<status>' */
    t.string('event_key', 32).notNullable();
    /** The conversion's status and payout when the event happened: what {status} and {aff_payout} send. */
    t.string('status', 16).notNullable();
    t.bigInteger('payout').notNullable();
    t.string('state', 12).notNullable().defaultTo('pending'); // pending | delivered | dead
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    /** 0 = not handed to BullMQ yet (the dispatcher's work list); else when it last was. */
    t.bigInteger('queued_at').notNullable().defaultTo(0);
    t.integer('last_status');
    t.string('last_error_class', 24);
    t.bigInteger('last_attempt_at');
    t.bigInteger('delivered_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['postback_id', 'conversion_id', 'event_key']);
    t.index(['state', 'next_attempt_at']);
    t.index(['queued_at', 'id']);
    t.index(['partner_id', 'created_at']);
    t.index(['postback_id', 'created_at']);
    t.index(['conversion_id']);
  });

  await knex.schema.createTable('postback_attempts', (t) => {
    t.bigIncrements('id').primary();
    /** null for a test fire, which belongs to no delivery. */
    t.bigInteger('delivery_id').references('postback_deliveries.id');
    t.integer('postback_id');
    t.integer('partner_id');
    t.string('kind', 8).notNullable().defaultTo('delivery'); // delivery | test
    t.bigInteger('at').notNullable();
    t.text('url').notNullable();
    t.string('method', 4).notNullable();
    t.integer('status_code');
    t.integer('duration_ms').notNullable();
    t.string('error_class', 24);
    t.string('error_message', 300);
    /** First bytes of the answer (<= 1 KiB). */
    t.text('response_snippet').notNullable().defaultTo('');
    t.index(['delivery_id']);
    t.index(['postback_id', 'at']);
  });

  /** Things the bots turn into messages (postback failing, disabled, recovered); notified_at set once sent. */
  await knex.schema.createTable('partner_events', (t) => {
    t.bigIncrements('id').primary();
    t.integer('partner_id');
    t.integer('postback_id');
    t.string('kind', 32).notNullable();
    t.text('payload').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('notified_at');
    t.index(['notified_at', 'id']);
    t.index(['partner_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['partner_events', 'postback_attempts', 'postback_deliveries', 'postbacks']) {
    await knex.schema.dropTableIfExists(table);
  }
}
