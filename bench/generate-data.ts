/**
 * Generates report benchmark data inside the database: partners, campaigns and landings as rows, then
 * clicks and conversions with INSERT ... SELECT over a number series (a recursive CTE on SQLite,
 * generate_series on PostgreSQL), then the rollups with INSERT ... SELECT ... GROUP BY, exactly as
 * applyRollupDeltas would have summed them. Building rows in SQL rather than shipping them from Node is
 * what keeps 10M clicks in minutes.
 *
 * "Random" values are a deterministic hash of the row number, so SQLite and PostgreSQL hold the same data
 * and a report must give the same figures on both.
 */
import type { Knex } from 'knex';
import { backfillDimDaily } from '../migrations/20261124000004_daily_rollups.js';
import { isSqlite } from '../src/db/knex.js';
import { METRIC_COLUMNS } from '../src/db/rollups.js';

export interface GenOptions {
  clicks: number;
  conversions: number;
  partners: number;
  days: number;
  /** End of the data (exclusive), epoch ms, on a whole UTC day. */
  end: number;
}

const HOUR_MS = 3_600_000;
const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'CA', 'ES', 'IT', 'MX', 'PL', 'NL', 'TR', 'AU', 'JP'];
const MORE_COUNTRIES = ['SE', 'NO', 'FI', 'DK', 'AT', 'CH', 'BE', 'PT', 'CZ', 'RO', 'HU', 'GR', 'IE', 'NZ', 'ZA'];
const CAMPAIGNS = [
  { name: 'Casino Royale', type: 'cpa' },
  { name: 'Crypto Wallet', type: 'cpl' },
  { name: 'Shop Deals', type: 'cps' },
  { name: 'Sports Bets', type: 'revshare' },
  { name: 'VPN Shield', type: 'cpa' },
  { name: 'Dating Plus', type: 'cpl' },
];

/** Which value each of `slots` slots holds, in proportion to `weights`. */
function slotsOf(weights: number[], slots: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let acc = 0;
  for (const [i, w] of weights.entries()) {
    acc += w;
    const until = i === weights.length - 1 ? slots : Math.round((acc / total) * slots);
    while (out.length < until) out.push(i);
  }
  return out;
}

/**
 * SQL for "one of `values`, drawn by hash `h` in proportion to `weights`". SQLite: a substring of a
 * fixed-width lookup string. PostgreSQL: integer-array subscripts, because substr on a long UTF-8 string
 * walks it character by character there (3.5 us a row, minutes over 10M rows).
 */
function weightedPick(
  sqlite: boolean,
  values: (string | number)[],
  weights: number[],
  slots: number,
  h: string,
): string {
  const idx = slotsOf(weights, slots);
  const numeric = typeof values[0] === 'number';
  if (sqlite) {
    const width = Math.max(...values.map((v) => String(v).length));
    const table = idx.map((i) => String(values[i]).padEnd(width, ' ')).join('');
    const sub = `substr('${table}', 1 + ${width} * (${h} % ${slots}), ${width})`;
    return numeric ? `CAST(${sub} AS INTEGER)` : `rtrim(${sub})`;
  }
  const list = numeric
    ? `ARRAY[${values.join(',')}]::int[]`
    : `ARRAY[${values.map((v) => `'${v}'`).join(',')}]::text[]`;
  return `(${list})[1 + (ARRAY[${idx.join(',')}]::int[])[CAST(1 + ${h} % ${slots} AS integer)]]`;
}

/** Fills an empty, migrated database; one transaction, so an interrupted run leaves nothing half-made. */
export async function generateReportData(db: Knex, o: GenOptions, print: (s: string) => void): Promise<void> {
  const t0 = performance.now();
  const log = (s: string) => print(`${s} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  await db.transaction(async (trx) => {
    if (isSqlite(trx)) return fill(trx, o, log);
    // Room to hash-aggregate and sort index builds in memory instead of spilling to disk.
    await trx.raw("SET LOCAL work_mem = '512MB'");
    await trx.raw("SET LOCAL maintenance_work_mem = '1GB'");
    const rebuild = [
      ...(await deferIndexes(trx, 'clicks', ['u', 'f'])),
      ...(await deferIndexes(trx, 'rollup_hourly', ['p'])),
      ...(await deferIndexes(trx, 'rollup_dim_hourly', ['p'])),
      ...(await deferIndexes(trx, 'rollup_dim_daily', ['p'])),
    ];
    await fill(trx, o, log);
    for (const sql of rebuild) await trx.raw(sql);
    log('  indexes rebuilt');
  });
}

/**
 * PostgreSQL: drops a table's plain indexes and the given kinds of constraints (p primary, u unique,
 * f foreign) and returns the statements that recreate them. Building an index once from sorted data is
 * far cheaper than 10M random inserts into it, and a foreign key validated once beats a trigger per row.
 * The clicks primary key stays: conversions' foreign key depends on it.
 */
async function deferIndexes(trx: Knex.Transaction, table: string, kinds: string[]): Promise<string[]> {
  const cons: { conname: string; contype: string; def: string }[] = (
    await trx.raw(
      'SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass',
      [table],
    )
  ).rows;
  const idx: { indexname: string; indexdef: string }[] = (
    await trx.raw('SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ?', [table])
  ).rows;
  const constraintNames = new Set(cons.map((c) => c.conname));
  const dropped = cons.filter((c) => kinds.includes(c.contype));
  const plain = idx.filter((i) => !constraintNames.has(i.indexname));
  for (const c of dropped) await trx.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${c.conname}`);
  for (const i of plain) await trx.raw(`DROP INDEX ${i.indexname}`);
  // Keys and unique constraints first: foreign keys may need them.
  const order = (t: string) => (t === 'f' ? 1 : 0);
  return [
    ...dropped
      .sort((a, b) => order(a.contype) - order(b.contype))
      .map((c) => `ALTER TABLE ${table} ADD CONSTRAINT ${c.conname} ${c.def}`),
    ...plain.map((i) => i.indexdef),
  ];
}

async function fill(db: Knex.Transaction, o: GenOptions, log: (s: string) => void): Promise<void> {
  const sqlite = isSqlite(db);
  const now = o.end;
  const start = o.end - o.days * 24 * HOUR_MS;

  const partnerIds: number[] = [];
  for (let i = 1; i <= o.partners; i++) {
    const [r] = await db('partners')
      .insert({
        name: `Bench partner ${i}`,
        email: `bench${i}@example.com`,
        currency: 'USD',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    partnerIds.push((r as { id: number }).id);
  }
  const campaignIds: number[] = [];
  const landingIds: number[] = [];
  for (const c of CAMPAIGNS) {
    const [r] = await db('campaigns')
      .insert({ ...c, landing_url: 'https://offer.example.com/?c={clickid}', created_at: now, updated_at: now })
      .returning('id');
    const id = (r as { id: number }).id;
    campaignIds.push(id);
    for (const [type, amount] of [
      ['Lead', 500],
      ['Deposit', 5000],
      ['Sale', 2000],
    ] as const) {
      await db('campaign_payouts').insert({
        campaign_id: id,
        conversion_type: type,
        type_key: type.toLowerCase(),
        kind: 'fixed',
        amount,
      });
    }
    for (const name of ['Quiz', 'Prelander']) {
      const [l] = await db('landings')
        .insert({ campaign_id: id, name: `${c.name} ${name}`, url: 'https://lp.example.com/' })
        .returning('id');
      landingIds.push((l as { id: number }).id);
    }
  }

  // h(i, k): a deterministic hash in [0, 1000003); two multiply-mod rounds keep the streams independent.
  const P = 1_000_003;
  const h = (k: number, v = 'i') =>
    `(((${v} * ${104_729 + k * 7919} + ${k * 31_337}) % ${P}) * ${611_953 + k * 104_723} % ${P})`;
  const span = o.end - start;
  const landingBase = landingIds[0] ?? 1;
  const countries = [...COUNTRIES, ...MORE_COUNTRIES];
  // Partners: a long tail (Zipf-like); the biggest gets about a tenth of the traffic. Countries likewise.
  const partner = weightedPick(
    sqlite,
    partnerIds,
    partnerIds.map((_, i) => 1 / (i + 1) ** 0.6),
    1000,
    h(2),
  );
  const campaign = weightedPick(sqlite, campaignIds, [30, 20, 15, 15, 10, 10], 100, h(1));
  const country = weightedPick(
    sqlite,
    countries,
    countries.map((_, i) => 1 / (i + 1)),
    1000,
    h(6),
  );
  const device = weightedPick(sqlite, ['mobile', 'desktop', 'tablet'], [60, 35, 5], 100, h(7));
  const os = weightedPick(sqlite, ['Android', 'iOS', 'Windows', 'macOS', 'Linux'], [40, 25, 25, 8, 2], 100, h(8));

  // Each campaign has two landings, inserted in order: the click's landing belongs to its campaign.
  const select = `
    SELECT 'b' || ${sqlite ? 'i' : 'i::text'},
      ${campaign},
      ${partner},
      CASE WHEN ${h(3)} % 10 < 3 THEN NULL ELSE ${landingBase} + 2 * (${campaign} - ${campaignIds[0] ?? 1}) + ${h(4)} % 2 END,
      'src' || (${h(5)} % 20),
      ${country},
      ${device},
      ${os},
      CASE WHEN ${h(9)} % 5 = 0 THEN 3 ELSE 0 END,
      ${start} + ((i - 1) * ${span}) / ${o.clicks}
    FROM s`;
  const columns = 'click_id, campaign_id, partner_id, landing_id, sub1, country, device, os, cost, created_at';
  const batch = 1_000_000;
  for (let from = 1; from <= o.clicks; from += batch) {
    const to = Math.min(o.clicks, from + batch - 1);
    const series = sqlite
      ? `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to})`
      : `WITH s(i) AS (SELECT generate_series(${from}::bigint, ${to}::bigint))`;
    await db.raw(`INSERT INTO clicks (${columns}) ${series} ${select}`);
    log(`  clicks ${to.toLocaleString('en-US')} / ${o.clicks.toLocaleString('en-US')}`);
  }

  // Conversions: every k-th click, 0-17 minutes later (never past the end), 60% Lead, 30% Deposit, 10% Sale.
  const every = Math.max(1, Math.floor(o.clicks / o.conversions));
  const hc = (k: number) => h(k, 'c.id');
  const byType = (lead: string, deposit: string, sale: string) =>
    `CASE WHEN ${hc(10)} % 10 < 6 THEN ${lead} WHEN ${hc(10)} % 10 < 9 THEN ${deposit} ELSE ${sale} END`;
  const status = `CASE WHEN ${hc(11)} % 10 < 6 THEN 'approved' WHEN ${hc(11)} % 10 < 9 THEN 'pending' ELSE 'declined' END`;
  const at = `CASE WHEN c.created_at + ${hc(12)} % ${HOUR_MS} >= ${o.end} THEN ${o.end - 1} ELSE c.created_at + ${hc(12)} % ${HOUR_MS} END`;
  await db.raw(`
    INSERT INTO conversions (click_row_id, partner_id, campaign_id, type, type_key, status, payout, revenue, currency, txid, created_at, updated_at)
    SELECT c.id, c.partner_id, c.campaign_id, ${byType("'Lead'", "'Deposit'", "'Sale'")}, ${byType("'lead'", "'deposit'", "'sale'")},
      ${status}, ${byType('500', '5000', '2000')}, ${byType('800', '8000', '3200')}, 'USD', '', ${at}, ${at}
    FROM clicks c WHERE c.id % ${every} = 0`);
  log(
    `  conversions ${((await db('conversions').count({ n: '*' }).first()) as { n: number }).n.toLocaleString('en-US')}`,
  );

  await buildRollups(db, log);
  await generateLedger(db, o, log);
}

/**
 * The ledger as the app writes it (transition() in src/domain/ledger.ts, recordPayment): one entry per
 * conversion in its status's account (approved: available, pending: pending; declined earns nothing), and
 * a paid payment at the end of each full week of the data paying 80 % of the week's approved payouts, each
 * with its negative `payment` entry. The bench partners have no referrer, so there is no referral money.
 * Exported for bench/bot-data.ts, which adds the ledger to data generated before it existed.
 */
export async function generateLedger(
  db: Knex | Knex.Transaction,
  o: GenOptions,
  log: (s: string) => void,
): Promise<void> {
  const start = o.end - o.days * 24 * HOUR_MS;
  const week = 7 * 24 * HOUR_MS;
  await db.raw(`
    INSERT INTO ledger_entries (partner_id, account, amount, currency, reason, conversion_id, payment_id, created_at)
    SELECT partner_id, CASE WHEN status = 'approved' THEN 'available' ELSE 'pending' END, payout, currency,
      'conversion', id, NULL, created_at
    FROM conversions WHERE status <> 'declined' AND payout <> 0`);
  // Paid a day after the week closes. CAST first so both databases divide whole numbers alike; the times are
  // inlined, as elsewhere here, because PostgreSQL types a bare parameter in a SELECT list as text.
  for (let from = start, n = 1; from + week <= o.end - 24 * HOUR_MS; from += week, n++) {
    const to = from + week;
    const paidAt = to + 24 * HOUR_MS;
    await db.raw(`
      INSERT INTO payments (partner_id, method_id, amount, currency, status, reference, period_from, period_to, created_at, paid_at)
      SELECT partner_id, NULL, CAST(sum(payout) AS BIGINT) * 8 / 10, currency, 'paid', 'bench-week-${n}', ${from}, ${to}, ${paidAt}, ${paidAt}
      FROM conversions WHERE status = 'approved' AND created_at >= ${from} AND created_at < ${to}
      GROUP BY partner_id, currency HAVING sum(payout) > 0`);
  }
  await db.raw(`
    INSERT INTO ledger_entries (partner_id, account, amount, currency, reason, conversion_id, payment_id, created_at)
    SELECT partner_id, 'available', -amount, currency, 'payment', NULL, id, paid_at
    FROM payments WHERE status = 'paid' AND reference LIKE 'bench-week-%'`);
  const count = async (t: string) => Number(((await db(t).count({ n: '*' }).first()) as { n: number | string }).n);
  log(
    `  ledger: ${(await count('ledger_entries')).toLocaleString('en-US')} entries, ${await count('payments')} payments`,
  );
}

/** The rollups from the facts, with the sums applyRollupDeltas keeps (declined conversions earn nothing). */
async function buildRollups(db: Knex.Transaction, log: (s: string) => void): Promise<void> {
  const live = "cv.status <> 'declined'";
  await db.raw(`
    INSERT INTO rollup_hourly (hour, partner_id, campaign_id, landing_id, country, device, os, type_key,
      clicks, cost, conv_total, conv_approved, conv_pending, conv_declined, payout, payout_approved, revenue)
    SELECT created_at / ${HOUR_MS}, partner_id, campaign_id, coalesce(landing_id, 0), country, device, os, '',
      count(*), sum(cost), 0, 0, 0, 0, 0, 0, 0
    FROM clicks GROUP BY created_at / ${HOUR_MS}, partner_id, campaign_id, coalesce(landing_id, 0), country, device, os`);
  await db.raw(`
    INSERT INTO rollup_hourly (hour, partner_id, campaign_id, landing_id, country, device, os, type_key,
      clicks, cost, conv_total, conv_approved, conv_pending, conv_declined, payout, payout_approved, revenue)
    SELECT cv.created_at / ${HOUR_MS}, cv.partner_id, cv.campaign_id, coalesce(c.landing_id, 0), c.country, c.device, c.os, cv.type_key,
      0, 0,
      sum(CASE WHEN ${live} THEN 1 ELSE 0 END), sum(CASE WHEN cv.status = 'approved' THEN 1 ELSE 0 END),
      sum(CASE WHEN cv.status = 'pending' THEN 1 ELSE 0 END), sum(CASE WHEN cv.status = 'declined' THEN 1 ELSE 0 END),
      sum(CASE WHEN ${live} THEN cv.payout ELSE 0 END), sum(CASE WHEN cv.status = 'approved' THEN cv.payout ELSE 0 END),
      sum(CASE WHEN ${live} THEN cv.revenue ELSE 0 END)
    FROM conversions cv JOIN clicks c ON c.id = cv.click_row_id
    GROUP BY cv.created_at / ${HOUR_MS}, cv.partner_id, cv.campaign_id, coalesce(c.landing_id, 0), c.country, c.device, c.os, cv.type_key`);
  log('  rollup_hourly built');
  const dims: [string, string][] = [
    ['all', "''"],
    ['campaign', 'CAST(campaign_id AS TEXT)'],
    ['landing', "CASE WHEN landing_id = 0 THEN '' ELSE CAST(landing_id AS TEXT) END"],
    ['geo', 'country'],
    ['device', 'device'],
    ['os', 'os'],
  ];
  const sums = METRIC_COLUMNS;
  for (const [dim, value] of dims) {
    await db.raw(`
      INSERT INTO rollup_dim_hourly (partner_id, dim, hour, value, type_key, ${sums.join(', ')})
      SELECT partner_id, '${dim}', hour, ${value}, type_key, ${sums.map((s) => `sum(${s})`).join(', ')}
      FROM rollup_hourly GROUP BY 1, 3, 4, 5`);
    log(`  rollup_dim_hourly ${dim} built`);
  }
  // The daily projection, as applyRollupDeltas keeps it beside the hourly one (UTC day = hour / 24).
  await backfillDimDaily(db);
  log('  rollup_dim_daily built');
}
