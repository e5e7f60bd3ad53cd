import { isUniqueViolation } from '../../db/knex.js';
import {
  findPartnerByEmail,
  findPartnerById,
  referrerChainReaches,
  updatePartnerRow,
} from '../../db/repositories/partners.js';
import { invalid } from '../../domain/errors.js';
import { parseMoney } from '../../domain/money.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema, rejectUnknownKeys, requireSomeField } from './admin-input.js';
import { emailTaken, unknownReferrer } from './create-partner.js';
import { partnerNotFound } from './get-partner.js';
import { PARTNER_FIELDS, type PartnerView, toPartnerView, UpdatePartnerSchema } from './partner-input.js';

/** Changes the given fields of a partner; fields left out keep their value. */
export async function updatePartner(deps: Deps, rawId: unknown, input: unknown): Promise<PartnerView> {
  const id = parseInput(idSchema('partner'), rawId, 'id');
  rejectUnknownKeys(input, PARTNER_FIELDS);
  const p = parseInput(UpdatePartnerSchema, input);
  requireSomeField(p, PARTNER_FIELDS);
  const result = await deps.db.transaction(async (trx) => {
    const current = await findPartnerById(trx, id);
    if (!current) throw partnerNotFound(id);
    const currency = p.currency ?? current.currency;
    const patch: Record<string, unknown> = { updated_at: deps.now() };
    for (const k of [
      'name',
      'company',
      'status',
      'currency',
      'timezone',
      'referral_rate_bp',
      'payout_schedule',
    ] as const) {
      if (p[k] !== undefined) patch[k] = p[k];
    }
    if (p.min_payout !== undefined) patch['min_payout'] = parseMoney(p.min_payout, 'min_payout', currency);
    if (p.email !== undefined && p.email !== current.email) {
      const other = await findPartnerByEmail(trx, p.email);
      if (other && other.id !== id) throw emailTaken(p.email);
      patch['email'] = p.email;
    }
    if (p.referrer_id !== undefined) {
      if (p.referrer_id !== null) await checkReferrer(trx, id, p.referrer_id);
      patch['referrer_id'] = p.referrer_id;
    }
    try {
      await updatePartnerRow(trx, id, patch);
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken(String(patch['email']));
      throw err;
    }
    const row = await findPartnerById(trx, id);
    return toPartnerView(row!);
  });
  // After the commit, so a process that forgets and reloads at once reads the change.
  await deps.cacheBus?.publish('tracking');
  return result;
}

async function checkReferrer(db: Deps['db'], id: number, referrerId: number): Promise<void> {
  if (referrerId === id) {
    throw invalid('self_referral', 'referrer_id must be another partner; a partner cannot refer itself', 'referrer_id');
  }
  if (!(await findPartnerById(db, referrerId))) {
    throw unknownReferrer(referrerId);
  }
  // A referral cycle would credit commission around the loop; refuse it where it is created.
  if (await referrerChainReaches(db, referrerId, id)) {
    throw invalid(
      'referral_cycle',
      `referrer_id ${referrerId} is itself referred (directly or not) by partner ${id}; pick a partner outside that chain`,
      'referrer_id',
    );
  }
}
