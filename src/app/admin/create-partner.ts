import { isUniqueViolation } from '../../db/knex.js';
import { findPartnerByEmail, findPartnerById, insertPartner } from '../../db/repositories/partners.js';
import { conflict, invalid } from '../../domain/errors.js';
import { parseMoney } from '../../domain/money.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { rejectUnknownKeys } from './admin-input.js';
import { CreatePartnerSchema, PARTNER_FIELDS, type PartnerView, toPartnerView } from './partner-input.js';

/** Smallest balance paid out when the operator names none: 50.00 in the partner's currency. */
const DEFAULT_MIN_PAYOUT_MINOR = 5000;

export const emailTaken = (email: string) =>
  conflict('email_taken', `email ${email} already belongs to another partner; use a different address`, 'email');

export const unknownReferrer = (referrerId: number) =>
  invalid(
    'unknown_referrer',
    `referrer_id ${referrerId} is not a partner; pick an id from GET /api/v1/partners`,
    'referrer_id',
  );

/** Adds a partner. Everything is validated before the one transaction, so a refused request writes nothing. */
export async function createPartner(deps: Deps, input: unknown): Promise<PartnerView> {
  rejectUnknownKeys(input, PARTNER_FIELDS);
  const p = parseInput(CreatePartnerSchema, input);
  const minPayout =
    p.min_payout === undefined ? DEFAULT_MIN_PAYOUT_MINOR : parseMoney(p.min_payout, 'min_payout', p.currency);
  const now = deps.now();
  const result = await deps.db.transaction(async (trx) => {
    if (await findPartnerByEmail(trx, p.email)) throw emailTaken(p.email);
    if (p.referrer_id != null && !(await findPartnerById(trx, p.referrer_id))) {
      throw unknownReferrer(p.referrer_id);
    }
    const row = {
      name: p.name,
      email: p.email,
      company: p.company ?? null,
      status: p.status,
      currency: p.currency,
      timezone: p.timezone,
      referrer_id: p.referrer_id ?? null,
      referral_rate_bp: p.referral_rate_bp ?? null,
      min_payout: minPayout,
      payout_schedule: p.payout_schedule,
      created_at: now,
      updated_at: now,
    };
    try {
      const id = await insertPartner(trx, row);
      return toPartnerView({ id, ...row });
    } catch (err) {
      // Two requests with one email can both pass the check above; the unique index decides.
      if (isUniqueViolation(err)) throw emailTaken(p.email);
      throw err;
    }
  });
  // After the commit, so a process that forgets and reloads at once reads the change.
  await deps.cacheBus?.publish('tracking');
  return result;
}
