import type { Knex } from 'knex';
import { isSqlite } from '../db/knex.js';
import {
  type AttemptRow,
  type DeliveryForSend,
  insertAttempts,
  loadDeliveriesForSend,
  markDeadWithoutAttempt,
} from '../db/repositories/deliveries.js';
import {
  applyDeliveryUpdates,
  type DeliveryUpdate,
  writeAttemptOutcomes,
} from '../db/repositories/delivery-outcomes.js';
import { insertPartnerEvents, type PartnerEvent } from '../db/repositories/partner-events.js';
import { disablePostbackRow } from '../db/repositories/postbacks.js';
import { createGroupCommit, type GroupCommit } from '../infra/group-commit.js';
import { type BatchLoader, createBatchLoader } from './batching.js';

/** One thing the worker learned, written together with everything else that finished meanwhile. */
export type RelayWrite =
  | {
      kind: 'attempt';
      attempt: AttemptRow;
      update: DeliveryUpdate;
      disable?: { postbackId: number; partnerId: number; reason: string };
    }
  | { kind: 'dead_without_attempt'; deliveryId: number; reason: string }
  /** A send that may have happened in a process that died mid-job: logged, the delivery itself unchanged. */
  | { kind: 'interrupted'; attempt: AttemptRow }
  | { kind: 'event'; event: PartnerEvent };

export interface RelayStore {
  loader: BatchLoader<number, DeliveryForSend>;
  /** A batch job's rows in one query (the loader would split them across ticks anyway). */
  loadMany(ids: number[]): Promise<Map<number, DeliveryForSend>>;
  writer: GroupCommit<RelayWrite>;
}

/**
 * The relay's database side: batched reads of deliveries, and one group-commit writer for attempts,
 * delivery states, postback disables and partner events. `onEvents` hears events after they commit.
 */
export function createRelayStore(
  deps: { db: Knex; now: () => number },
  onEvents: (events: PartnerEvent[]) => void,
): RelayStore {
  const loader = createBatchLoader((ids: number[]) => loadDeliveriesForSend(deps.db, ids));
  const writer = createGroupCommit<RelayWrite>(
    async (items) => {
      // The usual batch (attempts and their outcomes, nothing else): one statement on PostgreSQL.
      if (items.every((it) => it.kind === 'attempt' && !it.disable)) {
        const attempts = items.map((it) => (it as Extract<RelayWrite, { kind: 'attempt' }>).attempt);
        const updates = items.map((it) => (it as Extract<RelayWrite, { kind: 'attempt' }>).update);
        if (await writeAttemptOutcomes(deps.db, attempts, updates)) return undefined;
      }
      const events: PartnerEvent[] = [];
      await deps.db.transaction(async (trx) => {
        const attempts: AttemptRow[] = [];
        const updates: DeliveryUpdate[] = [];
        const dead = new Map<string, number[]>();
        for (const it of items) {
          if (it.kind === 'attempt') {
            attempts.push(it.attempt);
            updates.push(it.update);
          } else if (it.kind === 'interrupted') {
            attempts.push(it.attempt);
          } else if (it.kind === 'dead_without_attempt') {
            dead.set(it.reason, [...(dead.get(it.reason) ?? []), it.deliveryId]);
          } else {
            events.push(it.event);
          }
        }
        await insertAttempts(trx, attempts);
        await applyDeliveryUpdates(trx, updates);
        for (const [reason, ids] of dead) await markDeadWithoutAttempt(trx, ids, reason, deps.now());
        for (const it of items) {
          if (it.kind !== 'attempt' || !it.disable) continue;
          // Same transaction as the disable, so "disabled" is never said without being true, or vice versa.
          const now = deps.now();
          if (await disablePostbackRow(trx, it.disable.postbackId, it.disable.reason, now)) {
            events.push({
              kind: 'postback_disabled',
              partnerId: it.disable.partnerId,
              postbackId: it.disable.postbackId,
              payload: { reason: it.disable.reason, url: it.attempt.url, status: it.attempt.status_code },
              at: now,
            });
          }
        }
        await insertPartnerEvents(trx, events);
      });
      if (events.length > 0) onEvents(events);
      return undefined;
    },
    { concurrency: isSqlite(deps.db) ? 1 : 4, maxBatch: 2000 },
  );
  return { loader, loadMany: (ids) => loadDeliveriesForSend(deps.db, ids), writer };
}
