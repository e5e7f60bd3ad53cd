import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

export type PostbackMethod = 'GET' | 'POST';
export type BodyFormat = 'none' | 'form' | 'json';

/** The fields a partner or operator sets; the stored postback adds identity, state and times. */
export interface PostbackFields {
  partnerId: number;
  campaignId: number | null;
  url: string;
  method: PostbackMethod;
  bodyFormat: BodyFormat;
  bodyTemplate: string;
  conversionTypes: string[];
  statuses: string[];
  onStatusChange: boolean;
  enabled: boolean;
}

export interface Postback extends PostbackFields {
  id: number;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

function parseList(raw: unknown): string[] {
  try {
    const v = JSON.parse(String(raw ?? '[]'));
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export function toPostback(r: Record<string, unknown>): Postback {
  return {
    id: Number(r['id']),
    partnerId: Number(r['partner_id']),
    campaignId: r['campaign_id'] == null ? null : Number(r['campaign_id']),
    url: String(r['url']),
    method: String(r['method']) === 'POST' ? 'POST' : 'GET',
    bodyFormat: (String(r['body_format'] ?? 'none') as BodyFormat) || 'none',
    bodyTemplate: String(r['body_template'] ?? ''),
    conversionTypes: parseList(r['conversion_types']),
    statuses: parseList(r['statuses']),
    onStatusChange: Boolean(r['on_status_change']),
    enabled: Boolean(r['enabled']),
    disabledReason: r['disabled_reason'] == null ? null : String(r['disabled_reason']),
    createdAt: Number(r['created_at']),
    updatedAt: Number(r['updated_at']),
  };
}

function toRow(f: PostbackFields) {
  return {
    partner_id: f.partnerId,
    campaign_id: f.campaignId,
    url: f.url,
    method: f.method,
    body_format: f.bodyFormat,
    body_template: f.bodyTemplate,
    conversion_types: JSON.stringify(f.conversionTypes),
    statuses: JSON.stringify(f.statuses),
    on_status_change: f.onStatusChange,
    enabled: f.enabled,
  };
}

export async function insertPostback(q: Q, f: PostbackFields, now: number): Promise<number> {
  const [row] = await q('postbacks')
    .insert({ ...toRow(f), created_at: now, updated_at: now })
    .returning('id');
  return typeof row === 'object' ? Number((row as { id: number }).id) : Number(row);
}

export async function updatePostbackRow(q: Q, id: number, f: PostbackFields, now: number): Promise<void> {
  // Re-enabling clears why it was disabled: the partner has fixed the URL.
  await q('postbacks')
    .where({ id })
    .update({ ...toRow(f), ...(f.enabled ? { disabled_reason: null } : {}), updated_at: now });
}

export async function findPostback(q: Q, id: number): Promise<Postback | null> {
  const row = await q('postbacks').where({ id }).whereNull('deleted_at').first();
  return row ? toPostback(row) : null;
}

export async function listPostbackRows(q: Q, filter: { partnerId?: number; campaignId?: number }): Promise<Postback[]> {
  const query = q('postbacks').whereNull('deleted_at').orderBy('id');
  if (filter.partnerId !== undefined) query.where('partner_id', filter.partnerId);
  if (filter.campaignId !== undefined) query.where('campaign_id', filter.campaignId);
  return (await query).map(toPostback);
}

export async function softDeletePostback(q: Q, id: number, now: number): Promise<void> {
  await q('postbacks').where({ id }).update({ enabled: false, deleted_at: now, updated_at: now });
}

/** Disables a postback (e.g. after a 410) unless it already is; true when this call disabled it. */
export async function disablePostbackRow(q: Q, id: number, reason: string, now: number): Promise<boolean> {
  const n = await q('postbacks')
    .where({ id, enabled: true })
    .update({ enabled: false, disabled_reason: reason.slice(0, 500), updated_at: now });
  return Number(n) > 0;
}

/** The enabled postbacks of these partners: the outbox's matching rules, and what to send. One query a batch. */
export async function findEnabledRules(q: Q, partnerIds: number[]): Promise<Postback[]> {
  if (partnerIds.length === 0) return [];
  const rows = await q('postbacks')
    .select('*')
    .whereIn('partner_id', partnerIds)
    .where('enabled', true)
    .whereNull('deleted_at');
  return rows.map(toPostback);
}
