import { describe } from 'vitest';
import { defineBotContract } from './contract/bot-contract.js';
import { DB_FLAVORS } from './helpers/harness.js';
import { slackTarget } from './helpers/slack-driver.js';

/** The bot contract (test/contract) through the Slack adapter, on SQLite and PostgreSQL. */
describe.each(DB_FLAVORS)('on %s', (flavor) => {
  defineBotContract(`slack (${flavor})`, slackTarget(flavor));
});
