import type { Knex } from 'knex';
import { countRows, escapeLike } from '../knex.js';

/** A partners row as stored. */
export interface PartnerRow {
  id: number;
  name: string;
  email: string;
  company: string | null;
  status: string;
  currency: string;
  timezone: string;
  referrer_id: number | null;
  referral_rate_bp: number | null;
  min_payout: number;
  payout_schedule: string;
  created_at: number;
  updated_at: number;
}

export type NewPartnerRow = Omit<PartnerRow, 'id'>;

export interface PartnerFilter {
  status?: string | undefined;
  /** Case-insensitive substring of name, email or company. */
  search?: string | undefined;
  limit: number;
  offset: number;
}

export async function insertPartner(db: Knex, row: NewPartnerRow): Promise<number> {
  const [r] = await db('partners').insert(row).returning('id');
  return (r as { id: number }).id;
}

export async function updatePartnerRow(db: Knex, id: number, patch: Partial<NewPartnerRow>): Promise<void> {
  await db('partners').where({ id }).update(patch);
}

export async function findPartnerById(db: Knex, id: number): Promise<PartnerRow | undefined> {
  return db('partners').where({ id }).first();
}

export async function findPartnerByEmail(db: Knex, email: string): Promise<PartnerRow | undefined> {
  return db('partners').whereRaw('lower(email) = ?', [email.toLowerCase()]).first();
}

/** True when following referrer_id links upward from `startId` reaches `targetId` (a referral cycle). */
export async function referrerChainReaches(db: Knex, startId: number, targetId: number): Promise<boolean> {
  let current: number | null = startId;
  // A chain longer than this is already broken data; stop rather than loop.
  for (let hops = 0; current !== null && hops < 100; hops++) {
    if (current === targetId) return true;
    const row: { referrer_id: number | null } | undefined = await db('partners')
      .select('referrer_id')
      .where({ id: current })
      .first();
    current = row?.referrer_id ?? null;
  }
  return false;
}

export async function listPartnerRows(db: Knex, f: PartnerFilter): Promise<{ rows: PartnerRow[]; total: number }> {
  const base = db('partners').modify((q) => {
    if (f.status) q.where('status', f.status);
    if (f.search) {
      const like = `%${escapeLike(f.search.toLowerCase())}%`;
      q.where((w) =>
        w
          .whereRaw("lower(name) like ? escape '\\'", [like])
          .orWhereRaw("lower(email) like ? escape '\\'", [like])
          .orWhereRaw("lower(coalesce(company, '')) like ? escape '\\'", [like]),
      );
    }
  });
  const total = await countRows(base.clone());
  const rows = await base.clone().select('*').orderBy('id', 'asc').limit(f.limit).offset(f.offset);
  return { rows, total };
}

export async function countPartners(db: Knex): Promise<number> {
  return countRows(db('partners'));
}

/** Approved payouts of a partner's conversions made in [from, to), minor units: what a payment run pays. */
export async function sumApprovedPayouts(db: Knex, partnerId: number, from: number, to: number): Promise<number> {
  const [r] = await db('conversions')
    .where({ partner_id: partnerId, status: 'approved' })
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .sum({ total: 'payout' });
  return Number((r as { total: number | string | null } | undefined)?.total ?? 0);
}
