import { z } from 'zod';
import { replayDeliveryRows } from '../../db/repositories/delivery-log.js';
import { AppError } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { idSchema } from '../admin/admin-input.js';
import type { Deps } from '../deps.js';
import type { Actor } from './postback-input.js';

const time = z.union([z.number().int().nonnegative(), z.string().trim().min(1)], {
  error: 'must be an ISO time like 2026-11-01T00:00:00Z or epoch milliseconds',
});

export const ReplaySchema = z.object({
  partner_id: idSchema('partner').optional(),
  postback_id: idSchema('postback').optional(),
  delivery_ids: z.array(idSchema('delivery')).max(10_000, 'replay at most 10000 ids at once').optional(),
  from: time.optional(),
  to: time.optional(),
  state: z
    .enum(['dead', 'delivered', 'pending', 'any'], { error: 'must be dead, delivered, pending or any' })
    .optional(),
});

function toMs(v: number | string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(ms)) {
    throw new AppError('invalid', 'invalid_time', `${field} must be an ISO time like 2026-11-01T00:00:00Z`, field);
  }
  return ms;
}

/**
 * Sends deliveries again: by default the dead ones, narrowed by partner, postback, ids and a creation period
 * [from, to); with delivery_ids any state unless `state` says otherwise. Each goes back to pending with a
 * fresh retry schedule (attempts reset; the attempt log keeps every earlier try) and keeps its id, so the
 * receiver sees the same {postback_id}. Deliveries of disabled postbacks are left alone: enable it first.
 */
export async function replayDeliveries(deps: Deps, actor: Actor, input: unknown): Promise<{ count: number }> {
  const p = parseInput(ReplaySchema, input ?? {});
  if (actor.partnerId !== null && p.partner_id !== undefined && p.partner_id !== actor.partnerId) {
    throw new AppError(
      'forbidden',
      'not_your_partner',
      'a partner key may only replay its own deliveries',
      'partner_id',
    );
  }
  const partnerId = actor.partnerId ?? p.partner_id;
  if (partnerId === undefined && p.postback_id === undefined && p.delivery_ids === undefined) {
    throw new AppError(
      'invalid',
      'replay_too_broad',
      'name what to replay: partner_id, postback_id or delivery_ids (optionally with from/to and state)',
      'partner_id',
    );
  }
  const defaultState = p.delivery_ids ? 'any' : 'dead';
  const state = p.state ?? defaultState;
  const count = await replayDeliveryRows(
    deps.db,
    {
      partnerId,
      postbackId: p.postback_id,
      deliveryIds: p.delivery_ids,
      state: state === 'any' ? undefined : state,
      from: toMs(p.from, 'from'),
      to: toMs(p.to, 'to'),
    },
    deps.now(),
  );
  if (count > 0) deps.signals?.outbox.notify();
  return { count };
}
