/** SQL text with `?` placeholders (knex raw style) and its bindings, in placeholder order. */
export interface Statement {
  sql: string;
  bindings: unknown[];
}

/** PostgreSQL's limit is 65,535 bind parameters per statement; callers stay clear of it. */
export const MAX_BINDINGS = 60_000;

/**
 * PostgreSQL: several data-modifying statements as ONE, all but the last in WITH clauses. PostgreSQL runs a
 * single statement atomically, so writes that must commit together need no BEGIN and COMMIT: one round trip
 * and one statement to parse and plan instead of one each plus two. The parts must not touch the same row
 * twice (PostgreSQL would apply one of the changes), and none may read what another writes (they all see
 * the snapshot from before the statement). Foreign keys are checked at its end, so a part may refer to rows
 * another part inserts.
 */
export function combineStatements(parts: readonly Statement[]): Statement {
  const last = parts.at(-1);
  if (!last) throw new Error('combineStatements: no statement');
  if (parts.length === 1) return last;
  const sides = parts.slice(0, -1);
  // knex numbers the `?` in text order: the WITH clauses' bindings first. A loop, not flatMap: a batch
  // carries thousands of bindings and this runs for every batch.
  const bindings: unknown[] = [];
  for (const p of parts) for (const b of p.bindings) bindings.push(b);
  return { sql: `with ${sides.map((s, i) => `w${i} as (${s.sql})`).join(', ')} ${last.sql}`, bindings };
}
