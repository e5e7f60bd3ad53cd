import type { Knex } from 'knex';

/**
 * Workspaces that installed the Slack app through the multi-workspace OAuth flow (partners are other
 * companies with their own workspaces). One row per workspace, or per Enterprise Grid org for an org-wide
 * install; a reinstall replaces the row. The bot token lives here because every answer in that workspace
 * needs it; it is never logged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('slack_installations', (t) => {
    t.increments('id').primary();
    /** "team:T123" or "enterprise:E123" (org-wide install): what an incoming request is matched on. */
    t.string('install_key', 80).notNullable().unique();
    t.string('team_id', 32);
    t.string('enterprise_id', 32);
    t.string('bot_user_id', 32);
    t.string('bot_id', 32);
    /** The whole Installation object of @slack/oauth as JSON (tokens, scopes, installer). */
    t.text('installation').notNullable();
    t.bigInteger('installed_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('slack_installations');
}
