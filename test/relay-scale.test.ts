import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatcher, startDispatcher } from '../src/jobs/dispatcher.js';
import { POSTBACK_QUEUE } from '../src/jobs/queues.js';
import { type RunningRelay, startRelay } from '../src/jobs/relay.js';
import { makeApprovedPair } from './helpers/fixtures.js';
import { api, startTestApp, type TestContext } from './helpers/harness.js';
import { eventually, type Receiver, startReceiver } from './helpers/receiver.js';
import { makeRichClick, randomPrefix } from './helpers/relay-fixtures.js';

/**
 * Several worker processes on one PostgreSQL + Redis: each runs a dispatcher. Two dispatchers (each with its
 * own Queue connection, as two processes have) race over an outbox that keeps growing while they work.
 */
describe('dispatching with several workers (postgres)', () => {
  let ctx: TestContext;
  let rx: Receiver;
  let seq = 0;

  beforeAll(async () => {
    ctx = await startTestApp('postgres', { POSTBACK_ALLOW_PRIVATE_NETWORKS: 'true' });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx?.close();
    await ctx?.close();
  });

  /** One conversion with a postback to `path`; deliveries are then written straight to the outbox. */
  async function outbox(path: string) {
    const { partnerId, campaignId } = await makeApprovedPair(ctx.app.db);
    const pb = await api(ctx, 'POST', '/api/v1/postbacks', {
      partner_id: partnerId,
      url: `${rx.url}${path}?id={postback_id}`,
    });
    expect(pb.status, pb.text).toBe(201);
    const click = await makeRichClick(ctx.app.db, partnerId, campaignId);
    const conv = await api(ctx, 'GET', `/postback?clickid=${click}&txid=T1&type=lead`, undefined, null);
    expect(conv.status, conv.text).toBe(200);
    const postbackId = pb.body.id as number;
    const conversionId = conv.body.conversion_id as number;
    return async (n: number): Promise<number[]> => {
      const now = Date.now();
      const rows = Array.from({ length: n }, () => {
        seq += 1;
        return {
          postback_id: postbackId,
          partner_id: partnerId,
          conversion_id: conversionId,
          event_key: `t:${seq}`,
          status: 'approved',
          payout: 500,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        };
      });
      const ids = await ctx.app.db('postback_deliveries').insert(rows).returning('id');
      return ids.map((r: { id: number }) => Number(r.id));
    };
  }

  it('two dispatchers hand every row to BullMQ exactly once, while rows keep arriving', async () => {
    const add = await outbox('/dispatch-only');
    const prefix = randomPrefix();
    const queues = [1, 2].map(() => new Queue(POSTBACK_QUEUE, { connection: { url: ctxRedisUrl() }, prefix }));
    const dispatchers: Dispatcher[] = [];
    const written: number[] = [];
    try {
      written.push(...(await add(250)));
      for (const q of queues) {
        // Small pages, so pages overlap often and a page's last batch is often short.
        dispatchers.push(startDispatcher(ctx.app, q, { pageSize: 130, pollMs: 1, gatherMs: 0, maxWaiting: 1e6 }));
      }
      // Many small commits while both dispatchers read: a page read by one is often a prefix of the other's.
      for (let wave = 0; wave < 80; wave++) {
        written.push(...(await add(3 + (wave % 9))));
        if (wave % 4 === 0) await new Promise((r) => setTimeout(r, 2));
      }
      await eventually(async () => {
        const left = await ctx.app.db('postback_deliveries').whereIn('id', written).where('queued_at', 0);
        return left.length === 0;
      }, 10_000);
      for (const d of dispatchers) await d.stop();
      const jobs = await queues[0]?.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
      const seen = new Map<number, number>();
      for (const j of jobs ?? [])
        for (const id of (j.data as { ids: number[] }).ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      const missing = written.filter((id) => !seen.has(id));
      const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      expect({ missing, twice }).toEqual({ missing: [], twice: [] });
    } finally {
      for (const d of dispatchers) await d.stop();
      for (const q of queues) {
        await q.obliterate({ force: true }).catch(() => {});
        await q.close();
      }
    }
  });

  it('two workers deliver every row once, promptly, without deadlocks', { timeout: 60_000 }, async () => {
    const add = await outbox('/two-workers');
    const prefix = randomPrefix();
    const relays: RunningRelay[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        relays.push(
          await startRelay(ctx.app, {
            prefix,
            dispatchPollMs: 10,
            concurrency: 64,
          }),
        );
      }
      const written: number[] = [];
      const started = Date.now();
      for (let wave = 0; wave < 10; wave++) {
        written.push(...(await add(150)));
        await new Promise((r) => setTimeout(r, 20));
      }
      const mine = new Set(written);
      const arrived = () =>
        rx
          .on('/two-workers')
          .map((r) => Number(r.query.get('id')))
          .filter((id) => mine.has(id));
      await eventually(async () => arrived().length >= written.length, 20_000);
      const tookMs = Date.now() - started;
      await eventually(async () => {
        const open = await ctx.app.db('postback_deliveries').whereIn('id', written).whereNot('state', 'delivered');
        return open.length === 0;
      }, 10_000);
      const ids = arrived();
      expect(new Set(ids).size).toBe(written.length);
      expect(ids.length).toBe(written.length);
      // Without the reconciler's help (its grace is 60 s): every row went out through a dispatcher.
      expect(tookMs).toBeLessThan(20_000);
    } finally {
      for (const r of relays) await r.close();
    }
  });

  const ctxRedisUrl = () => ctx.config.redisUrl as string;
});
