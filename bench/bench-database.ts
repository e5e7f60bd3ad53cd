/**
 * The database a single-process bench runs on: SQLite in its data directory (the default), or with
 * `--db postgres` a throwaway PostgreSQL database made with the test role (partnerdesk_test on 127.0.0.1:5432,
 * CREATEDB; the same the test suite and bench:scale use) and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import knexFactory from 'knex';

export type BenchFlavor = 'sqlite' | 'postgres';

const PG_ADMIN = 'postgres://partnerdesk_test:partnerdesk_test@127.0.0.1:5432/postgres';

/** `--db postgres` or `--db=postgres` among the arguments; SQLite otherwise. */
export function benchFlavorOf(argv: readonly string[]): BenchFlavor {
  const i = argv.indexOf('--db');
  const v = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--db='))?.slice(5);
  if (v === undefined || v === 'sqlite') return 'sqlite';
  if (v === 'postgres' || v === 'pg') return 'postgres';
  throw new Error(`--db must be sqlite or postgres, got "${v}"`);
}

/** Configuration variables for the bench's database, and how to get rid of it afterwards. */
export async function benchDatabase(
  flavor: BenchFlavor,
): Promise<{ env: Record<string, string>; label: string; drop(): Promise<void> }> {
  if (flavor === 'sqlite') return { env: {}, label: 'SQLite', drop: async () => {} };
  const name = `pd_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  return {
    env: { DATABASE_URL: PG_ADMIN.replace(/\/postgres$/, `/${name}`) },
    label: 'PostgreSQL',
    drop: async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.destroy();
    },
  };
}

/**
 * Counts the statements knex sends (each one a round trip on PostgreSQL; BEGIN and COMMIT included). On
 * SQLite the writer's prepared statements bypass knex, so the count there is not comparable.
 */
export function countStatements(db: Knex): { readonly count: number } {
  const counter = { count: 0 };
  db.on('query', () => {
    counter.count += 1;
  });
  return counter;
}
