import { findPartnerById } from '../../db/repositories/partners.js';
import { notFound } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema } from './admin-input.js';
import { type PartnerView, toPartnerView } from './partner-input.js';

export const partnerNotFound = (id: number, field = 'id') =>
  notFound('partner_not_found', `partner ${id} does not exist; list partners with GET /api/v1/partners`, field);

export async function getPartner(deps: Deps, rawId: unknown): Promise<PartnerView> {
  const id = parseInput(idSchema('partner'), rawId, 'id');
  const row = await findPartnerById(deps.db, id);
  if (!row) throw partnerNotFound(id);
  return toPartnerView(row);
}
