import { parseConversionStatus } from '../../domain/conversion-status.js';
import { AppError, invalid, ValidationError } from '../../domain/errors.js';
import { parseMoney } from '../../domain/money.js';
import type { Deps } from '../deps.js';
import { type UpdateItem, updateConversionBatch } from './update-conversion-batch.js';

export const MAX_UPDATE_ITEMS = 1000;

export interface UpdateResult {
  index: number;
  status: 'updated' | 'unchanged' | 'error';
  conversion_id?: number;
  error?: { code: string; message: string; field?: string };
}

function str(o: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw invalid('invalid_field', `${field} must be a string`, field);
  const s = String(v).trim();
  if (s.length > max) throw invalid('field_too_long', `${field} must be at most ${max} characters`, field);
  return s === '' ? undefined : s;
}

function parseItem(raw: unknown): UpdateItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('invalid_item', 'each update must be an object like {"conversion_id": 1, "status": "approved"}');
  }
  const o = raw as Record<string, unknown>;
  const idText = str(o, 'conversion_id', 20);
  if (idText !== undefined && !/^[1-9]\d{0,15}$/.test(idText)) {
    throw invalid('invalid_conversion_id', 'conversion_id must be a positive integer', 'conversion_id');
  }
  const item: UpdateItem = {
    conversionId: idText === undefined ? undefined : Number(idText),
    txid: str(o, 'txid', 128),
    clickId: str(o, 'clickid', 64),
    type: str(o, 'type', 64),
    status: parseConversionStatus(str(o, 'status', 32)),
    payout: str(o, 'payout', 64),
    revenue: str(o, 'revenue', 64),
  };
  // Shape only; the conversion's currency decides how many decimals are allowed (checked per item later).
  if (item.payout !== undefined) parseMoney(item.payout, 'payout', 'BHD');
  if (item.revenue !== undefined) parseMoney(item.revenue, 'revenue', 'BHD');
  if (item.conversionId === undefined && item.txid === undefined && item.clickId === undefined) {
    throw invalid(
      'missing_conversion',
      'name the conversion by conversion_id, txid, or clickid and type',
      'conversion_id',
    );
  }
  if (item.status === undefined && item.payout === undefined && item.revenue === undefined) {
    throw invalid('nothing_to_change', 'send at least one of status, payout, revenue', 'status');
  }
  return item;
}

/**
 * Changes status, payout and/or revenue of conversions named by conversion_id, by txid, or by clickid and
 * type (plus txid when a click has several of that type). The whole request is shape-checked first: one
 * malformed item answers 400 and nothing is written. Then each item gets its own result, so one unknown
 * conversion does not hold back the others (one transaction for all, see update-conversion-batch.ts). A
 * revenue change recomputes a revshare payout unless `payout` is given too; `payout` is an explicit override
 * of the partner's payout.
 */
export async function updateConversions(deps: Deps, input: unknown): Promise<UpdateResult[]> {
  const list = Array.isArray(input) ? input : (input as { conversions?: unknown } | null)?.conversions;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid('invalid_body', 'send a JSON array of updates (or {"conversions": [...]})');
  }
  if (list.length > MAX_UPDATE_ITEMS) {
    throw invalid('too_many_items', `send at most ${MAX_UPDATE_ITEMS} updates per request, got ${list.length}`);
  }
  const items: UpdateItem[] = [];
  const issues: { field: string; message: string }[] = [];
  list.forEach((raw, i) => {
    try {
      items.push(parseItem(raw));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      issues.push({ field: `[${i}]${err.field ? `.${err.field}` : ''}`, message: err.message });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);

  const outcomes = await updateConversionBatch(deps, items);
  return outcomes.map((o, index) => {
    if (o.status !== 'error') return { index, ...o };
    const e = o.error;
    const error = e.field ? { code: e.code, message: e.message, field: e.field } : { code: e.code, message: e.message };
    return { index, status: 'error', error };
  });
}
