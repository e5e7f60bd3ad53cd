import {
  findPartnerClick,
  listClickConversionRows,
  listConversionDeliveryRows,
  type PartnerClickRow,
  type PartnerConversionRow,
} from '../../db/repositories/partner-portal.js';
import { notFound } from '../../domain/errors.js';
import { type Deps, readerOf } from '../deps.js';

export interface TraceAttempt {
  at: number;
  kind: string;
  status: number | null;
  durationMs: number;
  errorClass: string | null;
  errorMessage: string | null;
}

export interface TraceDelivery {
  id: number;
  postbackId: number;
  event: string;
  status: string;
  state: string;
  attempts: TraceAttempt[];
  nextAttemptAt: number | null;
}

export interface ClickTrace {
  click: PartnerClickRow;
  conversions: (PartnerConversionRow & { deliveries: TraceDelivery[] })[];
}

/**
 * A click -> its conversions -> every postback delivery and attempt: the answer to "why didn't my tracker get
 * the conversion?". Only the partner's own click: anyone else's is "not found", like an unknown id.
 */
export async function traceClick(deps: Deps, partnerId: number, rawClickId: string): Promise<ClickTrace> {
  const clickId = rawClickId.trim();
  // Read only: on SQLite the read pool's thread, not the writer on the main thread.
  const db = readerOf(deps);
  const click = /^[A-Za-z0-9_-]{1,32}$/.test(clickId) ? await findPartnerClick(db, partnerId, clickId) : undefined;
  if (!click) {
    throw notFound(
      'click_not_found',
      `click ${clickId.slice(0, 40)} not found among your clicks; copy the clickid from your tracker`,
      'clickid',
    );
  }
  const conversions = await listClickConversionRows(db, partnerId, click.id);
  const { deliveries, attempts } = await listConversionDeliveryRows(
    db,
    partnerId,
    conversions.map((c) => c.id),
  );
  const byDelivery = new Map<number, TraceAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(Number(a['delivery_id'])) ?? [];
    list.push({
      at: Number(a['at']),
      kind: String(a['kind']),
      status: a['status_code'] == null ? null : Number(a['status_code']),
      durationMs: Number(a['duration_ms']),
      errorClass: a['error_class'] == null ? null : String(a['error_class']),
      errorMessage: a['error_message'] == null ? null : String(a['error_message']),
    });
    byDelivery.set(Number(a['delivery_id']), list);
  }
  return {
    click,
    conversions: conversions.map((c) => ({
      ...c,
      deliveries: deliveries
        .filter((d) => Number(d['conversion_id']) === c.id)
        .map((d) => ({
          id: Number(d['id']),
          postbackId: Number(d['postback_id']),
          event: String(d['event_key']),
          status: String(d['status']),
          state: String(d['state']),
          attempts: byDelivery.get(Number(d['id'])) ?? [],
          nextAttemptAt: d['state'] === 'pending' ? Number(d['next_attempt_at']) : null,
        })),
    })),
  };
}
