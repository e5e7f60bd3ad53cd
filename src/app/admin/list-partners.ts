import { listPartnerRows } from '../../db/repositories/partners.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { type Page, PaginationSchema } from './admin-input.js';
import { ListPartnersSchema, type PartnerView, toPartnerView } from './partner-input.js';

export const ListPartnersQuery = PaginationSchema.extend(ListPartnersSchema.shape);

/** Partners by id, filtered by status and a search over name, email and company; limit/offset paging. */
export async function listPartners(deps: Deps, query: unknown): Promise<Page<PartnerView>> {
  const q = parseInput(ListPartnersQuery, query ?? {});
  const { rows, total } = await listPartnerRows(deps.db, q);
  return { items: rows.map(toPartnerView), total, limit: q.limit, offset: q.offset };
}
