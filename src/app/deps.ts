import type { Knex } from 'knex';
import type { Config } from '../config/index.js';
import type { CacheBus } from '../infra/cache-bus.js';
import type { Logger } from '../infra/logger.js';
import type { ResolveHost, SafeHttpClient } from '../outbound/safe-http.js';
import type { CommitSignals } from './commit-signals.js';
import type { ChatOptInCache } from './conversions/conversion-notifications.js';

/** What every use case may use. Built once by the composition root (src/main,
 * through src/main/create-app.ts); tests build their own. */
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
  /**
   * Replaces DNS for the postback checks and test fires of this app (absent: the system resolver). Tests set
   * it to play a name that does not exist or a resolver that is down, without real DNS.
   */
  resolveHost?: ResolveHost;
  /** Announces committed changes that cached look-ups in every process must forget (absent: this process only). */
  cacheBus?: CacheBus;
  /** "Rows committed" nudges for this process's dispatchers (absent: they poll). */
  signals?: CommitSignals;
  /** Which partners have a chat with notify on, remembered briefly (absent: asked every time). */
  chatOptIns?: ChatOptInCache;
  /** The client test fires go through (absent: one is made for the call). */
  testFireHttp?: SafeHttpClient;
}

/** Where a look-up outside any transaction should go: the read pool when there is one. */
export const readerOf = (deps: Pick<Deps, 'db' | 'readDb'>): Knex => deps.readDb ?? deps.db;
