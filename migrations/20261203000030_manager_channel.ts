import type { Knex } from 'knex';

/**
 * The managers' Slack channel: incidents (one per failing postback, holding the thread of its first alert),
 * the alert messages to post (an outbox like notifications), mutes, and one row per daily summary.
 * partner_events gains its own "seen by the manager side" stamp, independent of the partners' notified_at.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('partner_events', (t) => {
    t.bigInteger('manager_seen_at');
    t.index(['manager_seen_at', 'id']);
  });
  // Events older than this migration are history: the channel starts with what happens from now on.
  await knex('partner_events').update({ manager_seen_at: knex.ref('created_at') });

  await knex.schema.createTable('manager_incidents', (t) => {
    t.bigIncrements('id').primary();
    t.integer('postback_id').notNullable();
    t.integer('partner_id');
    t.string('endpoint', 300).notNullable().defaultTo('');
    /** "pb:<postback id>" while open, null once closed: at most one open incident per postback, in any process. */
    t.string('open_key', 64).unique();
    t.string('state', 16).notNullable().defaultTo('open'); // open | closed
    /** The last kind reported: failing | paused | disabled | recovered. */
    t.string('last_kind', 16).notNullable();
    t.bigInteger('opened_at').notNullable();
    t.bigInteger('closed_at');
    /** Where the first alert went and its ts: follow-ups are threaded under it. */
    t.string('channel', 64);
    t.string('thread_ts', 32);
    t.index(['postback_id', 'opened_at']);
  });

  await knex.schema.createTable('manager_alerts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('incident_id').notNullable().references('manager_incidents.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // failing | paused | disabled | recovered
    t.text('payload').notNullable().defaultTo('{}');
    /** "pe:<partner event id>": converting the same event twice (two pollers) writes one alert. */
    t.string('dedupe_key', 64).unique();
    t.boolean('root').notNullable().defaultTo(false);
    t.string('state', 16).notNullable().defaultTo('pending'); // pending | posting | sent | dead | skipped
    /** When a worker took it to post ('posting'); a stale claim is a worker that died mid-post. */
    t.bigInteger('claimed_at');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('queued_at').notNullable().defaultTo(0);
    t.string('ts', 32);
    t.string('last_error', 300);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at');
    t.index(['state', 'queued_at', 'id']);
    t.index(['incident_id', 'id']);
  });

  await knex.schema.createTable('manager_mutes', (t) => {
    t.integer('postback_id').primary();
    t.bigInteger('muted_until').notNullable();
    t.string('muted_by', 64).notNullable();
  });

  await knex.schema.createTable('manager_summaries', (t) => {
    t.increments('id').primary();
    /** The manager-local day summarised, YYYY-MM-DD: unique, so a day is posted once whoever ticks. */
    t.string('day', 10).notNullable().unique();
    t.string('state', 16).notNullable().defaultTo('posting'); // posting | sent
    t.string('channel', 64).notNullable();
    t.string('ts', 32);
    t.bigInteger('claimed_at').notNullable();
    t.bigInteger('sent_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['manager_summaries', 'manager_mutes', 'manager_alerts', 'manager_incidents']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('partner_events', (t) => {
    t.dropIndex(['manager_seen_at', 'id']);
    t.dropColumn('manager_seen_at');
  });
}
