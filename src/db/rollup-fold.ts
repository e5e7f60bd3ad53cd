import type { Knex } from 'knex';
import { isSqlite } from './knex.js';
import { addRollupRows, aggregateRollupDeltas, cellsOf, METRIC_COLUMNS, type RollupDelta } from './rollups.js';

/** Arbitrary constant naming the fold's advisory lock (one folder at a time across every process). */
const FOLD_LOCK = 727_013_001;

export interface FoldResult {
  /** Delta rows folded into the rollups and deleted. */
  folded: number;
  /** False when another process held the fold lock (it is folding; nothing done here). */
  locked: boolean;
}

type DeltaRow = Record<string, string | number>;

/**
 * Moves up to `limit` rows of rollup_deltas (PostgreSQL) into the rollup tables. One transaction deletes
 * the rows and adds their sums, so a crash leaves either both or neither, and a row is folded exactly once
 * (it is gone afterwards). Deleting what was read, rather than advancing an id watermark, is deliberate:
 * sequence values are taken at insert and committed in any order, so a watermark could pass an id whose
 * transaction commits later and never fold it.
 *
 * One folder at a time (a transaction-scoped advisory lock, released by the commit): with a single writer
 * the rollup upserts wait on no one, and concurrent requests only append. Reports read the rollups and the
 * rows still here in one statement, hence one snapshot: a fold committing meanwhile is seen entirely or not
 * at all.
 */
export async function foldRollupDeltas(db: Knex, limit = 20_000): Promise<FoldResult> {
  if (isSqlite(db)) return { folded: 0, locked: true };
  return db.transaction(async (trx) => {
    const lock = await trx.raw('select pg_try_advisory_xact_lock(?) as ok', [FOLD_LOCK]);
    if (!lock.rows[0]?.ok) return { folded: 0, locked: false };
    const res = await trx.raw(
      `delete from rollup_deltas where id in (select id from rollup_deltas order by id limit ?)
       returning hour, partner_id, campaign_id, landing_id, country, device, os, type_key, ${METRIC_COLUMNS.join(', ')}`,
      [limit],
    );
    const rows = res.rows as DeltaRow[];
    if (rows.length === 0) return { folded: 0, locked: true };
    const { hourly, dims, daily } = aggregateRollupDeltas(rows.map(toDelta));
    await addRollupRows(trx, hourly, dims, daily);
    return { folded: rows.length, locked: true };
  });
}

const HOUR_MS = 3_600_000;

/** bigint columns come back from pg as strings; every value here is a safe integer (money in minor units). */
function toDelta(r: DeltaRow): RollupDelta {
  const n = (k: string) => Number(r[k]);
  return Object.assign(
    {
      at: n('hour') * HOUR_MS,
      partnerId: n('partner_id'),
      campaignId: n('campaign_id'),
      landingId: n('landing_id'),
      country: String(r['country']),
      device: String(r['device']),
      os: String(r['os']),
      typeKey: String(r['type_key']),
    },
    cellsOf(r),
  );
}

/**
 * Folds until nothing is left (tests, benchmarks, one-shot commands): waits its turn when another process
 * holds the fold lock. Rows appended meanwhile are folded too, so under steady traffic it may run a while.
 */
export async function foldAllRollupDeltas(db: Knex): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await foldRollupDeltas(db);
    total += r.folded;
    if (!r.locked) await new Promise((resolve) => setTimeout(resolve, 20));
    else if (r.folded === 0) return total;
  }
}

/** Rows not yet folded (tests, health and benchmarks). */
export async function pendingRollupDeltas(db: Knex): Promise<number> {
  if (isSqlite(db)) return 0;
  const row = await db('rollup_deltas').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
