import type { Knex } from 'knex';

/**
 * The chat notification outbox: one row per message to a partner's chats, written in the same transaction
 * as the fact behind it (conversion, payment) or converted from partner_events, then enqueued. The chats are
 * resolved when sending, so a chat unlinked meanwhile never receives another partner's news.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id').primary();
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    /** conversion | postback_failing | postback_disabled | postback_recovered | payment_status */
    t.string('kind', 32).notNullable();
    /** JSON: ids and the few facts of the moment (a status then); the sender re-reads the rest. */
    t.text('payload').notNullable().defaultTo('{}');
    /** Makes converting a source twice harmless ("pe:<event id>", "pay:<id>:<status>"); null when none. */
    t.string('dedupe_key', 64).unique();
    t.string('state', 16).notNullable().defaultTo('pending'); // pending | sent | dead | skipped
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    /** When the dispatcher or reconciler last handed it to BullMQ; 0 = not yet. */
    t.bigInteger('queued_at').notNullable().defaultTo(0);
    /** JSON list of "platform:chat" already sent, so a retry does not repeat them. */
    t.text('sent_to').notNullable().defaultTo('[]');
    t.string('last_error', 300);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at');
    t.index(['state', 'queued_at', 'id']);
    t.index(['partner_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notifications');
}
