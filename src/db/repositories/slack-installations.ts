import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export interface SlackInstallationRow {
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  botUserId: string | null;
  botId: string | null;
  /** JSON of the @slack/oauth Installation. */
  installation: string;
  installedAt: number;
}

/** Saves an install; a reinstall of the same workspace replaces it. */
export async function upsertSlackInstallation(db: Q, row: SlackInstallationRow): Promise<void> {
  await db('slack_installations')
    .insert({
      install_key: row.installKey,
      team_id: row.teamId,
      enterprise_id: row.enterpriseId,
      bot_user_id: row.botUserId,
      bot_id: row.botId,
      installation: row.installation,
      installed_at: row.installedAt,
    })
    .onConflict('install_key')
    .merge(['team_id', 'enterprise_id', 'bot_user_id', 'bot_id', 'installation', 'installed_at']);
}

/** The installation JSON for a key ("team:T1" or "enterprise:E1"), if any. */
export async function findSlackInstallation(db: Q, installKey: string): Promise<string | undefined> {
  const r = await db('slack_installations').select('installation').where({ install_key: installKey }).first();
  return r ? String(r.installation) : undefined;
}

export async function deleteSlackInstallation(db: Q, installKey: string): Promise<number> {
  return db('slack_installations').where({ install_key: installKey }).delete();
}

export async function countSlackInstallations(db: Q): Promise<number> {
  const r = await db('slack_installations').count<{ n: number | string }[]>({ n: '*' });
  return Number(r[0]?.n ?? 0);
}
