import type { Knex } from 'knex';
import { insertPostback } from '../../src/db/repositories/postbacks.js';
import { makeClick } from './conversions.js';
import { api, type TestContext } from './harness.js';

/** A conversion through the real S2S route (ledger, rollups, and deliveries when the partner has postbacks). */
export async function convert(ctx: TestContext, partnerId: number, campaignId: number, txid: string): Promise<number> {
  const clickId = await makeClick(ctx.app.db, partnerId, campaignId);
  const res = await api(ctx, 'GET', `/postback?clickid=${clickId}&type=deposit&status=approved&txid=${txid}`);
  if (res.status !== 200) throw new Error(`postback answered ${res.status}: ${res.text}`);
  return Number(res.body.conversion_id);
}

export async function makePostback(
  db: Knex,
  partnerId: number,
  url = 'http://tracker.example/pb?c={clickid}',
): Promise<number> {
  return insertPostback(
    db,
    {
      partnerId,
      campaignId: null,
      url,
      method: 'GET',
      bodyFormat: 'none',
      bodyTemplate: '',
      conversionTypes: [],
      statuses: [],
      onStatusChange: false,
      enabled: true,
    },
    Date.now(),
  );
}

/**
 * A delivery of `conversionId` to `postbackId` in the given state, with one attempt that answered `status`
 * (or failed with `errorClass`): what the relay leaves behind, without running it.
 */
export async function makeDelivery(
  db: Knex,
  d: {
    postbackId: number;
    partnerId: number;
    conversionId: number;
    state: 'pending' | 'delivered' | 'dead';
    status?: number | null;
    errorClass?: string | null;
    at?: number;
    eventKey?: string;
  },
): Promise<number> {
  const at = d.at ?? Date.now();
  const [row] = await db('postback_deliveries')
    .insert({
      postback_id: d.postbackId,
      partner_id: d.partnerId,
      conversion_id: d.conversionId,
      event_key: d.eventKey ?? 'created',
      status: 'approved',
      payout: 5000,
      state: d.state,
      attempts: 1,
      next_attempt_at: at + 60_000,
      queued_at: at,
      last_status: d.status ?? null,
      last_error_class: d.errorClass ?? null,
      last_attempt_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id');
  const id = Number((row as { id: number }).id);
  await db('postback_attempts').insert({
    delivery_id: id,
    postback_id: d.postbackId,
    partner_id: d.partnerId,
    kind: 'delivery',
    at,
    url: `http://tracker.example/pb?c=${id}`,
    method: 'GET',
    status_code: d.status ?? null,
    duration_ms: 12,
    error_class: d.errorClass ?? null,
    error_message: d.errorClass ? 'connect ECONNREFUSED 127.0.0.1:9' : null,
    response_snippet: d.status ? `status ${d.status}` : '',
  });
  return id;
}
