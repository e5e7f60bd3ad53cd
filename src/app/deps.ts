import type { Knex } from 'knex';
import type { Config } from '../config/index.js';
import type { CacheBus } from '../infra/cache-bus.js';
import type { Logger } from '../infra/logger.js';

/** What every use case may use. Built once by the composition root (src/app/create-app.ts); tests build their own. */
export interface Deps {
  config: Config;
  db: Knex;
  /**
   * Read-only connections for look-ups that need no transaction (SQLite; see createReadDb). Absent: use db.
   * Reads here see everything committed, but not the caller's own open transaction.
   */
  readDb?: Knex;
  logger: Logger;
  /** Epoch milliseconds; injectable so tests can pin "now". */
  now: () => number;
  /** Announces committed changes that cached look-ups in every process must forget (absent: this process only). */
  cacheBus?: CacheBus;
}

/** Where a look-up outside any transaction should go: the read pool when there is one. */
export const readerOf = (deps: Pick<Deps, 'db' | 'readDb'>): Knex => deps.readDb ?? deps.db;
