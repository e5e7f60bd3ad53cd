import type { Knex } from 'knex';
import { runEachOnSqlite } from './insert-rows.js';

type Q = Knex | Knex.Transaction;

/** Rows per statement on PostgreSQL: far below its 65,535 bound variables. */
const CHUNK = 500;

/** The fields of R holding a number or a string: what a VALUES parameter can bind. */
type ScalarKey<R> = { [K in keyof R]: R[K] extends string | number ? K : never }[keyof R] & string;

/** A column set by updateRowsById, with the SQL type its VALUES parameter is cast to. */
export interface UpdateColumn<R> {
  name: ScalarKey<R>;
  type: 'BIGINT' | 'VARCHAR';
}

/**
 * Sets the given columns of many rows, each to its own values, by id, in id order (row locks taken in one
 * order: two writers sharing rows wait instead of deadlocking). On PostgreSQL one UPDATE ... FROM (VALUES ...)
 * per 500 rows (a round trip each); on the SQLite writer one cached single-row UPDATE run per row (see
 * insert-rows.ts). Table and column names come from code, never from input.
 */
export async function updateRowsById<R extends { id: number }>(
  trx: Q,
  table: string,
  columns: readonly UpdateColumn<R>[],
  rows: readonly R[],
): Promise<void> {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  const single = `UPDATE ${table} SET ${columns.map((c) => `${c.name} = ?`).join(', ')} WHERE id = ?`;
  if (
    await runEachOnSqlite(
      trx,
      single,
      sorted.map((r) => [...columns.map((c) => r[c.name]), r.id]),
    )
  ) {
    return;
  }
  // CASTs: PostgreSQL would otherwise type the VALUES parameters as text.
  const valueRow = `(CAST(? AS BIGINT), ${columns.map((c) => `CAST(? AS ${c.type})`).join(', ')})`;
  const set = columns.map((c, i) => `${c.name} = v.column${i + 2}`).join(', ');
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const part = sorted.slice(i, i + CHUNK);
    await trx.raw(
      `UPDATE ${table} SET ${set} FROM (VALUES ${part.map(() => valueRow).join(', ')}) AS v WHERE ${table}.id = v.column1`,
      part.flatMap((r) => [r.id, ...columns.map((c) => r[c.name] as string | number)]),
    );
  }
}
