import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** What a digest says about a partner's postbacks over its period. */
export interface PostbackHealthFacts {
  /** Postbacks set up (not deleted). */
  configured: number;
  disabled: { url: string; reason: string | null }[];
  delivered: number;
  failed: number;
  pending: number;
  lastFailure: { at: number; statusCode: number | null; error: string | null; url: string } | null;
}

export async function postbackHealthFacts(
  q: Q,
  partnerId: number,
  from: number,
  to: number,
): Promise<PostbackHealthFacts> {
  const postbacks = await q('postbacks')
    .select('id', 'url', 'enabled', 'disabled_reason')
    .where({ partner_id: partnerId })
    .whereNull('deleted_at');
  const ids = postbacks.map((p: { id: number }) => Number(p.id));
  const health: PostbackHealthFacts = {
    configured: postbacks.length,
    disabled: postbacks
      .filter((p: { enabled: unknown }) => !p.enabled)
      .map((p: { url: string; disabled_reason: string | null }) => ({ url: String(p.url), reason: p.disabled_reason })),
    delivered: 0,
    failed: 0,
    pending: 0,
    lastFailure: null,
  };
  if (ids.length === 0) return health;
  const states = await q('postback_deliveries')
    .select('state')
    .count({ n: '*' })
    .where({ partner_id: partnerId })
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .groupBy('state');
  for (const s of states as { state: string; n: unknown }[]) {
    if (s.state === 'delivered') health.delivered = Number(s.n);
    else if (s.state === 'dead') health.failed = Number(s.n);
    else health.pending += Number(s.n);
  }
  const last = await q('postback_attempts')
    .select('at', 'status_code', 'error_class', 'error_message', 'url')
    .whereIn('postback_id', ids)
    .andWhere('at', '>=', from)
    .andWhere('at', '<', to)
    .andWhere((b) => b.whereNotNull('error_class').orWhere('status_code', '>=', 400))
    .orderBy('at', 'desc')
    .first();
  if (last) {
    health.lastFailure = {
      at: Number(last.at),
      statusCode: last.status_code == null ? null : Number(last.status_code),
      error: last.error_message ?? last.error_class ?? null,
      url: String(last.url),
    };
  }
  return health;
}
