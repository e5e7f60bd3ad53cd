import { AppError, invalid, ValidationError } from '../../domain/errors.js';
import { type ConversionDeps, type ConversionRequest, parseConversionRequest } from './record-conversion.js';

export const MAX_UPLOAD_ITEMS = 1000;

export interface UploadResult {
  index: number;
  status: 'created' | 'duplicate' | 'error';
  conversion_id?: number;
  error?: { code: string; message: string; field?: string };
}

/**
 * Uploads many conversions (same fields as /postback). Two stages, so a request is either refused whole
 * or answered item by item:
 * 1. shape: every item is checked (clickid present, amounts well-formed, known status ...); if any item is
 *    malformed the request gets 400 listing each bad field as `[index].field`, and nothing is written;
 * 2. booking: items go through the same group-commit writer as /postback. Problems that need the database
 *    (unknown click or type, currency mismatch) become that item's `error`; the others are created or
 *    reported as duplicates. Within one upload the first of identical (clickid, type, txid) items wins.
 */
export async function uploadConversions(deps: ConversionDeps, input: unknown): Promise<UploadResult[]> {
  const list = Array.isArray(input) ? input : (input as { conversions?: unknown } | null)?.conversions;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid('invalid_body', 'send a JSON array of conversions (or {"conversions": [...]})');
  }
  if (list.length > MAX_UPLOAD_ITEMS) {
    throw invalid('too_many_items', `send at most ${MAX_UPLOAD_ITEMS} conversions per request, got ${list.length}`);
  }
  const at = deps.now();
  const reqs: ConversionRequest[] = [];
  const issues: { field: string; message: string }[] = [];
  list.forEach((raw, i) => {
    try {
      reqs.push(parseConversionRequest(raw, at));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      issues.push({ field: `[${i}]${err.field ? `.${err.field}` : ''}`, message: err.message });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);

  // Submitted in order, so the writer's batches keep the request's order and "first wins" holds.
  const outcomes = await Promise.all(reqs.map((r) => deps.conversionWriter.submit(r)));
  return outcomes.map((o, index) => {
    if (o.kind !== 'error') return { index, status: o.kind, conversion_id: o.conversionId };
    const e = o.error;
    return {
      index,
      status: 'error',
      error: e.field ? { code: e.code, message: e.message, field: e.field } : { code: e.code, message: e.message },
    };
  });
}
