import type { Knex } from 'knex';
import * as core from './20261124000001_core.js';
import * as reportIndexes from './20261124000002_report_indexes.js';
import * as postbacks from './20261124000003_postbacks.js';
import * as dailyRollups from './20261124000004_daily_rollups.js';
import * as chat from './20261124000005_chat.js';
import * as notifications from './20261124000006_notifications.js';
import * as ledgerBalanceIndex from './20261124000007_ledger_balance_index.js';
import * as digests from './20261203000010_digests.js';
import * as slackInstallations from './20261203000020_slack_installations.js';
import * as managerChannel from './20261203000030_manager_channel.js';
import * as linkAndTestFireIndexes from './20261203000050_link_and_test_fire_indexes.js';
import * as rollupDeltas from './20261203000060_rollup_deltas.js';

/**
 * Migrations are listed here rather than found by directory scan, so they load the same way under tsx,
 * vitest and a bundled build. Add each new migration at the end; names are what knex records.
 */
export const migrations: Record<string, Knex.Migration> = {
  '20261124000001_core': core,
  '20261124000002_report_indexes': reportIndexes,
  '20261124000003_postbacks': postbacks,
  '20261124000004_daily_rollups': dailyRollups,
  '20261124000005_chat': chat,
  '20261124000006_notifications': notifications,
  '20261124000007_ledger_balance_index': ledgerBalanceIndex,
  '20261203000050_link_and_test_fire_indexes': linkAndTestFireIndexes,
  '20261203000010_digests': digests,
  '20261203000020_slack_installations': slackInstallations,
  '20261203000030_manager_channel': managerChannel,
  '20261203000060_rollup_deltas': rollupDeltas,
};
