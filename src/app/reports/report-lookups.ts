import type { Knex } from 'knex';
import { namesById, typeNames } from '../../db/repositories/report-queries.js';

/**
 * Look-ups shared by the reports of one request. A digest builds five reports for one partner, and each
 * read the partner, the campaign names and the conversion type names again: 10 of the digest's 17
 * statements (bench:digest --profile). Made per request and dropped after it, so a rename shows up in the
 * next one; never kept across requests.
 */
export interface ReportLookups {
  /** The partner the reports are for, already read by the caller (its currency is the report currency). */
  partner: { id: number; currency: string } | undefined;
  names: Map<string, string | undefined>;
  types: Map<string, string | undefined>;
}

export function reportLookups(partner?: { id: number; currency: string }): ReportLookups {
  return { partner, names: new Map(), types: new Map() };
}

type NameTable = 'campaigns' | 'landings' | 'partners';

/** Answers for `keys` from `seen`, reading only the keys not asked for before (misses are remembered too). */
async function through<K, V>(
  seen: Map<string, V | undefined>,
  keys: K[],
  tag: (k: K) => string,
  read: (missing: K[]) => Promise<Map<K, V>>,
): Promise<Map<K, V>> {
  const missing = keys.filter((k) => !seen.has(tag(k)));
  if (missing.length > 0) {
    const found = await read(missing);
    for (const k of missing) seen.set(tag(k), found.get(k));
  }
  const out = new Map<K, V>();
  for (const k of keys) {
    const v = seen.get(tag(k));
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** namesById through the memo. */
export function namesThrough(
  db: Knex,
  memo: ReportLookups | undefined,
  table: NameTable,
  ids: number[],
): Promise<Map<number, string>> {
  if (!memo) return namesById(db, table, ids);
  return through(
    memo.names,
    ids,
    (id) => `${table}:${id}`,
    (missing) => namesById(db, table, missing),
  );
}

/** typeNames through the memo. */
export function typeNamesThrough(
  db: Knex,
  memo: ReportLookups | undefined,
  keys: string[],
): Promise<Map<string, string>> {
  if (!memo) return typeNames(db, keys);
  return through(
    memo.types,
    keys,
    (k) => k,
    (missing) => typeNames(db, missing),
  );
}
