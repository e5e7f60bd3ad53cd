import { findPostback } from '../../db/repositories/postbacks.js';
import { AppError, notFound } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import { idSchema } from '../admin/admin-input.js';
import type { Deps } from '../deps.js';
import { replayDeliveries } from '../postbacks/replay-deliveries.js';

/**
 * A manager re-sends a postback's dead deliveries. Each keeps its delivery id, so the receiver sees the same
 * {postback_id} and can drop one it already has. A disabled postback is refused with the way out.
 */
export async function replayPostbackDeliveries(
  deps: Deps,
  rawId: unknown,
): Promise<{ postbackId: number; partnerId: number; count: number }> {
  const postbackId = parseInput(
    idSchema('postback'),
    typeof rawId === 'string' ? rawId.trim().replace(/^#/, '') : rawId,
    'postback_id',
  );
  const pb = await findPostback(deps.db, postbackId);
  if (!pb)
    throw notFound(
      'postback_not_found',
      `no postback ${postbackId}; /pd failing lists the failing ones`,
      'postback_id',
    );
  if (!pb.enabled) {
    throw new AppError(
      'conflict',
      'postback_disabled',
      `postback ${postbackId} is disabled${pb.disabledReason ? ` (${pb.disabledReason})` : ''}; the partner must fix and re-enable it before a replay`,
      'postback_id',
    );
  }
  const { count } = await replayDeliveries(deps, { partnerId: null }, { postback_id: postbackId, state: 'dead' });
  return { postbackId, partnerId: pb.partnerId, count };
}
