import type { Knex } from 'knex';

/**
 * Two look-ups that had no index:
 * - the global link-code guess limit counts every chat user's failed attempts of the last minute (by `at`);
 * - the API's and `postback log`'s list of test fires (kind 'test', no delivery) per partner, newest first.
 *   Partial, so the relay's hot insert of delivery attempts pays nothing for it; test fires by postback use
 *   the existing (postback_id, at) index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('link_attempts', (t) => {
    t.index(['at'], 'link_attempts_at_index');
  });
  await knex.schema.alterTable('postback_attempts', (t) => {
    t.index(['partner_id', 'id'], 'postback_attempts_tests_index', {
      predicate: knex.whereRaw("kind = 'test'"),
    });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('postback_attempts', (t) => {
    t.dropIndex([], 'postback_attempts_tests_index');
  });
  await knex.schema.alterTable('link_attempts', (t) => {
    t.dropIndex([], 'link_attempts_at_index');
  });
}
