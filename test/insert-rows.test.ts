import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../src/db/insert-rows.js';
import { DB_FLAVORS, startTestApp, type TestContext } from './helpers/harness.js';

// insertRows has two paths: single-row prepared statements on the SQLite writer, knex multi-row inserts
// elsewhere. Both must answer the same.
describe.each(DB_FLAVORS)('insertRows on %s', (flavor) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp(flavor);
  });
  afterAll(async () => ctx?.close());

  const partner = (email: string) => ({ name: email, email, created_at: 1, updated_at: 1 });

  it('skips rows that conflict, returning the new ids of the others', async () => {
    const db = ctx.app.db;
    const [existing] = await db('partners').insert(partner('taken@example.com')).returning('id');
    const returned = await db.transaction((trx) =>
      insertRows(trx, 'partners', [partner('a@example.com'), partner('taken@example.com'), partner('b@example.com')], {
        ignoreConflictOn: ['email'],
        returning: ['id', 'email'],
      }),
    );
    expect(returned.map((r) => r['email'])).toEqual(['a@example.com', 'b@example.com']);
    const stored = await db('partners').whereIn('email', ['a@example.com', 'b@example.com']).select('id', 'email');
    const idOf = new Map(stored.map((r: { id: number; email: string }) => [r.email, Number(r.id)]));
    for (const r of returned) expect(Number(r['id'])).toBe(idOf.get(String(r['email'])));
    expect(Number((existing as { id: number }).id)).not.toBe(idOf.get('a@example.com'));
  });

  it('binds undefined as NULL and booleans as true/false, rows of different shapes in one call', async () => {
    const db = ctx.app.db;
    const [p] = await db('partners').insert(partner('shape@example.com')).returning('id');
    const partnerId = Number((p as { id: number }).id);
    const base = { partner_id: partnerId, url: 'https://example.com/pb', created_at: 1, updated_at: 1 };
    await db.transaction((trx) =>
      insertRows(trx, 'postbacks', [
        { ...base, campaign_id: undefined, enabled: false },
        { ...base, enabled: true },
        { ...base, method: 'POST' },
      ]),
    );
    const rows = await db('postbacks').where({ partner_id: partnerId }).orderBy('id');
    expect(rows.map((r: { campaign_id: unknown }) => r.campaign_id)).toEqual([null, null, null]);
    expect(rows.map((r: { enabled: unknown }) => Boolean(r.enabled))).toEqual([false, true, true]);
    expect(rows.map((r: { method: string }) => r.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const db = ctx.app.db;
    await expect(
      db.transaction(async (trx) => {
        await insertRows(trx, 'partners', [partner('rolled@example.com')]);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await db('partners').where({ email: 'rolled@example.com' })).toHaveLength(0);
  });
});
