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

/** namesById through the memo: only ids not asked for before are read. */
export async function namesThrough(
  db: Knex,
  memo: ReportLookups | undefined,
  table: NameTable,
  ids: number[],
): Promise<Map<number, string>> {
  if (!memo) return namesById(db, table, ids);
  const missing = ids.filter((id) => !memo.names.has(`${table}:${id}`));
  if (missing.length > 0) {
    const found = await namesById(db, table, missing);
    for (const id of missing) memo.names.set(`${table}:${id}`, found.get(id));
  }
  const out = new Map<number, string>();
  for (const id of ids) {
    const name = memo.names.get(`${table}:${id}`);
    if (name !== undefined) out.set(id, name);
  }
  return out;
}

/** typeNames through the memo. */
export async function typeNamesThrough(
  db: Knex,
  memo: ReportLookups | undefined,
  keys: string[],
): Promise<Map<string, string>> {
  if (!memo) return typeNames(db, keys);
  const missing = keys.filter((k) => !memo.types.has(k));
  if (missing.length > 0) {
    const found = await typeNames(db, missing);
    for (const k of missing) memo.types.set(k, found.get(k));
  }
  const out = new Map<string, string>();
  for (const k of keys) {
    const name = memo.types.get(k);
    if (name !== undefined) out.set(k, name);
  }
  return out;
}
