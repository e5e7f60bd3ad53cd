import type { Knex } from 'knex';

/**
 * E-mail digests. digest_subscriptions (from the chat migration) gains the schedule and the address
 * lifecycle; digests holds one row per (partner, cadence, period) so a digest is sent once whatever re-runs.
 * A partner without a subscription row gets the defaults (weekly, Monday, 09:00 local, their e-mail).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('digest_subscriptions', (t) => {
    /** 1 = Monday .. 7 = Sunday: the day a weekly digest goes out. */
    t.integer('weekday').notNullable().defaultTo(1);
    /** An address asked for but not yet confirmed; digests keep going to `email` meanwhile. */
    t.string('pending_email', 320);
    /** When pending_email was asked for: part of its confirmation token, and its expiry. */
    t.bigInteger('pending_at');
    /** When the confirmation mail went out; null = still to send (the digest worker sends it). */
    t.bigInteger('confirm_sent_at');
    /** Set when the mail server refused `email` permanently (5xx); no digest goes to it until it changes. */
    t.bigInteger('undeliverable_at');
    t.string('undeliverable_reason', 300);
  });

  await knex.schema.createTable('digests', (t) => {
    t.bigIncrements('id').primary();
    t.integer('partner_id').notNullable().references('partners.id').onDelete('CASCADE');
    t.string('cadence', 8).notNullable(); // daily | weekly | monthly
    /** First local day of the period, 'YYYY-MM-DD' in the partner's timezone. */
    t.string('period_start', 10).notNullable();
    /** '' for scheduled digests; 'r<minute>' for one asked for with `digest send` (a double tap dedupes). */
    t.string('request_key', 24).notNullable().defaultTo('');
    t.string('timezone', 64).notNullable();
    /** Half-open [period_from, period_to), epoch ms. */
    t.bigInteger('period_from').notNullable();
    t.bigInteger('period_to').notNullable();
    t.string('state', 12).notNullable().defaultTo('pending'); // pending | rendering | sending | sent | failed | skipped
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    /** When last handed to BullMQ; 0 = not yet (the dispatcher picks it up). */
    t.bigInteger('queued_at').notNullable().defaultTo(0);
    /** Set when the state last changed: a rendering/sending row older than the lease belongs to a dead worker. */
    t.bigInteger('state_at').notNullable();
    t.string('email', 320);
    t.string('message_id', 200);
    t.string('error', 500);
    /** How often a row found in `sending` after a crash was sent again (same Message-ID). */
    t.integer('resends').notNullable().defaultTo(0);
    t.integer('html_bytes');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at');
    t.unique(['partner_id', 'cadence', 'period_start', 'request_key']);
    t.index(['state', 'next_attempt_at']);
    t.index(['queued_at', 'id']);
    t.index(['created_at']);
  });

  /** Secrets the service generates for itself when the operator sets none (the digest token key). */
  await knex.schema.createTable('app_secrets', (t) => {
    t.string('name', 64).primary();
    t.string('value', 200).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('app_secrets');
  await knex.schema.dropTableIfExists('digests');
  await knex.schema.alterTable('digest_subscriptions', (t) => {
    for (const c of [
      'weekday',
      'pending_email',
      'pending_at',
      'confirm_sent_at',
      'undeliverable_at',
      'undeliverable_reason',
    ]) {
      t.dropColumn(c);
    }
  });
}
