import type { Knex } from 'knex';

/**
 * Chat identities and what the bots remember between messages. Kept in the database (not Redis) so a
 * link, a half-finished guided flow and the guess counter all survive a restart or a wiped Redis.
 */
export async function up(knex: Knex): Promise<void> {
  /** A chat user (per platform) tied to one partner. Re-linking replaces the row. */
  await knex.schema.createTable('chat_identities', (t) => {
    t.increments('id').primary();
    t.string('platform', 16).notNullable(); // telegram | slack | console
    t.string('user_id', 64).notNullable();
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    /** Where notifications for this identity go (Telegram chat id, Slack DM id). */
    t.string('chat_id', 64).notNullable();
    t.bigInteger('linked_at').notNullable();
    /** Opt-in real-time conversion messages. */
    t.boolean('notify').notNullable().defaultTo(false);
    t.unique(['platform', 'user_id']);
    t.index(['partner_id']);
  });

  /**
   * One-time codes a manager gives a partner. Only the sha256 is stored: a code is a bearer credential for
   * a partner's data until it is used or expires.
   */
  await knex.schema.createTable('link_codes', (t) => {
    t.increments('id').primary();
    t.string('code_hash', 64).notNullable().unique();
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
    /** "platform:user_id" that redeemed it, for the audit trail. */
    t.string('used_by', 96);
    t.index(['partner_id']);
  });

  /** Failed link attempts, counted per chat user over a sliding window to slow down guessing. */
  await knex.schema.createTable('link_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.string('platform', 16).notNullable();
    t.string('user_id', 64).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['platform', 'user_id', 'at']);
  });

  /** At most one guided flow per chat user (postback setup, payment method); expired rows are ignored. */
  await knex.schema.createTable('conversations', (t) => {
    t.string('platform', 16).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('flow', 32).notNullable();
    t.string('step', 32).notNullable();
    t.text('state').notNullable().defaultTo('{}'); // JSON
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['platform', 'user_id']);
  });

  /** Digest e-mail settings; sending arrives with the digest worker. */
  await knex.schema.createTable('digest_subscriptions', (t) => {
    t.integer('partner_id').primary().references('partners.id').onDelete('CASCADE');
    t.string('email', 320).notNullable();
    t.string('frequency', 8).notNullable().defaultTo('off'); // daily | weekly | off
    /** Local hour (partner's timezone) the digest goes out, 0-23. */
    t.integer('hour').notNullable().defaultTo(8);
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['digest_subscriptions', 'conversations', 'link_attempts', 'link_codes', 'chat_identities']) {
    await knex.schema.dropTableIfExists(table);
  }
}
