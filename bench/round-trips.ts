/**
 * Statements per batch on PostgreSQL (each one a network round trip), for the write paths that batch:
 * a click batch, a conversion batch (referred partner, a postback, a chat with notifications on) and a
 * conversion update request. `npx tsx bench/round-trips.ts [batch size, default 100]`.
 *
 * The counts are deterministic, so a before/after comparison needs one run each; the times beside them are
 * one run's wall clock (noisy on a shared machine). Uses a throwaway database made with the test role (see
 * bench-database.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordConversionBatch } from '../src/app/conversions/record-conversion-batch.js';
import { updateConversions } from '../src/app/conversions/update-conversions.js';
import { buildConfig } from '../src/config/index.js';
import { storeClickBatch } from '../src/db/repositories/click-batch.js';
import type { NewClick } from '../src/db/repositories/clicks.js';
import { createLogger } from '../src/infra/logger.js';
import { createApp } from '../src/main/create-app.js';
import { benchDatabase, countStatements } from './bench-database.js';
import { databaseOf, postgresCpuSeconds } from './cpu.js';

const argv = process.argv.slice(2);
const N = Number(argv.find((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--rounds') ?? 100);
const ROUNDS = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 30;

async function main(): Promise<void> {
  const database = await benchDatabase('postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-bench-rt-'));
  const config = buildConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', PORT: '0', SEED_DEMO: 'false', ...database.env });
  const app = await createApp(config, { redis: null, logger: createLogger('silent') });
  try {
    const db = app.db;
    const now = Date.now();
    const partner = async (over: Record<string, unknown> = {}) =>
      (
        (await db('partners')
          .insert({ name: 'Bench', email: `b${Math.random()}@example.com`, created_at: now, updated_at: now, ...over })
          .returning('id')) as { id: number }[]
      )[0]?.id as number;
    const referrer = await partner();
    const partnerId = await partner({ referrer_id: referrer });
    const [campaign] = await db('campaigns')
      .insert({
        name: 'Bench',
        type: 'cpa',
        landing_url: 'https://offer.example/?c={clickid}',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const campaignId = (campaign as { id: number }).id;
    await db('campaign_payouts').insert({
      campaign_id: campaignId,
      conversion_type: 'Deposit',
      type_key: 'deposit',
      kind: 'fixed',
      amount: 5000,
    });
    await db('postbacks').insert({
      partner_id: partnerId,
      url: 'https://partner.example/pb?c={clickid}',
      method: 'GET',
      enabled: true,
      created_at: now,
      updated_at: now,
    });
    await db('chat_identities').insert({
      platform: 'telegram',
      user_id: '1001',
      partner_id: partnerId,
      chat_id: '1001',
      linked_at: now,
      notify: true,
    });

    const clicksOf = (round: number): NewClick[] =>
      Array.from({ length: N }, (_, i) => ({
        clickId: `rt${String(round).padStart(4, '0')}${String(i).padStart(16, '0')}`,
        campaignId,
        partnerId,
        landingId: null,
        refId: null,
        sub1: null,
        sub2: null,
        sub3: null,
        sub4: null,
        sub5: null,
        country: 'DE',
        device: 'desktop',
        os: 'Windows',
        browser: 'Chrome',
        ip: '192.0.2.1',
        userAgent: 'bench',
        createdAt: now,
      }));
    const clicks = clicksOf(0);
    const counter = countStatements(db);
    const measure = async (what: string, fn: () => Promise<unknown>) => {
      const before = counter.count;
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      const n = counter.count - before;
      console.log(
        `  ${what.padEnd(44)} ${String(n).padStart(5)} statements (${(n / N).toFixed(2)} per item), ${Math.round(ms)} ms`,
      );
    };
    console.log(`round trips on PostgreSQL, batches of ${N}`);
    await measure(`click batch of ${N}`, () => storeClickBatch(db, clicks));
    const requestsOf = (cs: NewClick[]) =>
      cs.map((c, i) => ({
        clickId: c.clickId,
        type: 'Deposit',
        txid: `t${i}`,
        status: 'pending' as const,
        receivedAt: now,
      })) as Parameters<typeof recordConversionBatch>[1];
    const reqs = requestsOf(clicks);
    let ids: number[] = [];
    await measure(`conversion batch of ${N}`, async () => {
      const out = await recordConversionBatch(app, reqs);
      ids = out.flatMap((o) => (o.kind === 'created' ? [o.conversionId] : []));
    });
    if (ids.length !== N) throw new Error(`expected ${N} conversions, got ${ids.length}`);
    await measure(`update request of ${N} (approve by conversion_id)`, () =>
      updateConversions(
        app,
        ids.map((id) => ({ conversion_id: id, status: 'approved' })),
      ),
    );
    await measure(`update request of ${N} (decline by txid)`, () =>
      updateConversions(
        app,
        reqs.map((r) => ({ txid: r.txid, status: 'declined' })),
      ),
    );
    const deliveries = Number((await db('postback_deliveries').count({ n: '*' }).first())?.n ?? 0);
    const notes = Number((await db('notifications').count({ n: '*' }).first())?.n ?? 0);
    console.log(`  (deliveries queued ${deliveries}, chat notifications queued ${notes})`);

    // CPU per item over ROUNDS sequential batches of each kind: all the click batches, then all the
    // conversion batches (on those clicks), each kind timed as a whole.
    const rounds = Array.from({ length: ROUNDS }, (_, r) => clicksOf(r + 1));
    const timed = async (fn: () => Promise<void>) => {
      const pg0 = postgresCpuSeconds();
      const own0 = postgresCpuSeconds(databaseOf(database.env));
      const c0 = process.cpuUsage();
      await fn();
      const c = process.cpuUsage(c0);
      return {
        app: c.user + c.system,
        pg: (postgresCpuSeconds() - pg0) * 1e6,
        own: (postgresCpuSeconds(databaseOf(database.env)) - own0) * 1e6,
      };
    };
    const clickCpu = await timed(async () => {
      for (const batch of rounds) await storeClickBatch(db, batch);
    });
    const convCpu = await timed(async () => {
      for (const batch of rounds) {
        const out = await recordConversionBatch(app, requestsOf(batch));
        if (out.some((o) => o.kind !== 'created')) throw new Error('a conversion of the CPU rounds was not created');
      }
    });
    const per = (us: number) => Math.round(us / (ROUNDS * N));
    console.log(`CPU per item over ${ROUNDS} sequential batches of ${N}`);
    for (const [what, t] of [
      ['click', clickCpu],
      ['conversion', convCpu],
    ] as const) {
      console.log(
        `  ${what.padEnd(10)} : this process ${per(t.app)} µs, PostgreSQL ${per(t.own)} µs in this database's backends (${per(t.pg)} µs all postgres processes)`,
      );
    }
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
