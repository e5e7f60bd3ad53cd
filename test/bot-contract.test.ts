import { describe } from 'vitest';
import { defineBotContract } from './contract/bot-contract.js';
import { consoleTarget, telegramTarget } from './helpers/bot-drivers.js';
import { DB_FLAVORS } from './helpers/harness.js';

/** The bot contract (test/contract) through every adapter we have, on SQLite and PostgreSQL. */
describe.each(DB_FLAVORS)('on %s', (flavor) => {
  // A terminal line has no slash, so a command typed during a guided step is taken as the step's answer.
  defineBotContract(`console (${flavor})`, consoleTarget(flavor));
  defineBotContract(`telegram (${flavor})`, telegramTarget(flavor));
});
