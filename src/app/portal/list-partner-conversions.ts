import { listPartnerConversionRows, type PartnerConversionRow } from '../../db/repositories/partner-portal.js';
import { type Deps, readerOf } from '../deps.js';

export type { PartnerConversionRow } from '../../db/repositories/partner-portal.js';

export interface PartnerConversionQuery {
  /** Conversion type, matched case-insensitively like incoming ones ("deposit" finds "Deposit"). */
  type?: string | null | undefined;
  /** Half-open [from, to), epoch ms, on the conversion time. */
  from: number;
  to: number;
  page?: number;
  pageSize?: number;
}

/** A partner's own conversions, newest first, one page at a time. */
export async function listPartnerConversions(
  deps: Deps,
  partnerId: number,
  q: PartnerConversionQuery,
): Promise<{ items: PartnerConversionRow[]; total: number; page: number; pages: number }> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 10, 1), 100);
  const page = Math.max(Math.floor(q.page ?? 1), 1);
  // Read only: on SQLite the read pool's thread, not the writer on the main thread.
  const { rows, total } = await listPartnerConversionRows(readerOf(deps), partnerId, {
    typeKey: q.type ? q.type.trim().toLowerCase().slice(0, 64) : undefined,
    from: q.from,
    to: q.to,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: rows, total, page, pages: Math.max(Math.ceil(total / pageSize), 1) };
}
