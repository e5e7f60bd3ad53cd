import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createReadDb, migrateLatest } from '../src/db/knex.js';

// The read pool runs each connection in a worker thread (better-sqlite3, like the writer).
describe('SQLite read pool', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-readpool-'));
  const database = { client: 'sqlite' as const, filename: path.join(dir, 'partnerdesk.sqlite') };
  let db: Knex;
  let readDb: Knex;
  beforeAll(async () => {
    db = createDb(database);
    await migrateLatest(db);
    readDb = createReadDb(database) as Knex;
  });
  afterAll(async () => {
    await readDb?.destroy();
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees what the writer committed, and answers queries from two threads at once', async () => {
    await db('partners').insert({ name: 'R', email: 'r@example.com', created_at: 1, updated_at: 1 });
    const [a, b] = await Promise.all([
      readDb('partners').where({ email: 'r@example.com' }).first(),
      readDb('partners').count({ n: '*' }),
    ]);
    expect(a).toMatchObject({ name: 'R', email: 'r@example.com' });
    expect(Number((b as { n: number }[])[0]?.n)).toBe(1);
  });

  it('refuses a write with SQLite’s own error code, and keeps working', async () => {
    await expect(
      readDb('partners').insert({ name: 'W', email: 'w@example.com', created_at: 1, updated_at: 1 }),
    ).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    await expect(readDb.raw('selec 1')).rejects.toThrow(/syntax error/);
    expect(await readDb('partners').where({ email: 'w@example.com' })).toHaveLength(0);
  });

  it('checkpoints the write-ahead log', async () => {
    const rows = (await readDb.raw('PRAGMA wal_checkpoint(PASSIVE)')) as { busy: number }[];
    expect(rows[0]?.busy).toBe(0);
  });
});
