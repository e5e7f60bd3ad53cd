import type { Knex } from 'knex';
import type { Config } from '../config/index.js';
import type { Logger } from '../infra/logger.js';

/** What every use case may use. Built once by the composition root (src/app/create-app.ts); tests build their own. */
export interface Deps {
  config: Config;
  db: Knex;
  logger: Logger;
  /** Epoch milliseconds; injectable so tests can pin "now". */
  now: () => number;
}
