import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { insertNotifications, type NewNotification, partnersWithChats } from '../../db/repositories/notifications.js';
import type { ConversionEvent, OutboxOptions } from './conversion-events.js';

/** Conversions listed one by one in a message; the rest of a batch is counted ("and 12 more"). */
export const CONVERSIONS_PER_MESSAGE = 10;

/**
 * Whether a partner has a chat with notify on, remembered briefly: most partners have none, and this runs
 * inside every conversion transaction (on SQLite's single connection each extra statement is felt). A
 * partner who just turned notify on may miss the messages of these few seconds.
 */
const CACHE_MS = 5_000;

/** One per database, made by the composition root beside the connection it describes. */
export interface ChatOptInCache {
  entries: LRUCache<number, { on: boolean; until: number }>;
  /** Epoch ms (the app's clock). */
  now: () => number;
}

export const createChatOptInCache = (now: () => number): ChatOptInCache => ({
  entries: new LRUCache({ max: 100_000 }),
  now,
});

async function optedIn(
  q: Knex | Knex.Transaction,
  partnerIds: number[],
  optIns?: ChatOptInCache,
): Promise<Set<number>> {
  // Without a cache (use cases called with hand-built deps) every partner is asked for.
  const cache = optIns?.entries ?? new LRUCache<number, { on: boolean; until: number }>({ max: 100_000 });
  const now = optIns?.now() ?? 0;
  const on = new Set<number>();
  const unknown: number[] = [];
  for (const id of partnerIds) {
    const c = cache.get(id);
    if (c && c.until > now) {
      if (c.on) on.add(id);
    } else unknown.push(id);
  }
  if (unknown.length > 0) {
    const found = await partnersWithChats(q, unknown, true);
    for (const id of unknown) {
      cache.set(id, { on: found.has(id), until: now + CACHE_MS });
      if (found.has(id)) on.add(id);
    }
  }
  return on;
}

/**
 * The chat side of the conversion outbox (called from onConversionEvents, inside the transaction that
 * records the change): new conversions and status changes of partners who opted in. One row per partner
 * per batch, so an upload of hundreds becomes one message instead of a flood Telegram would throttle.
 * The figures of the moment (status, payout) go in the payload: a later change has its own message.
 */
export async function queueConversionNotifications(
  trx: Knex.Transaction,
  events: ConversionEvent[],
  outbox: Pick<OutboxOptions, 'signals' | 'chatOptIns' | 'notePerEvent'> = {},
): Promise<void> {
  const rows = await conversionNotifications(trx, events, outbox);
  if (rows.length === 0) return;
  await insertNotifications(trx, rows);
  outbox.signals?.notifications.afterCommit(trx);
}

/**
 * The chat messages events make (none for partners without a chat that has notify on). `q` answers the
 * opt-in question for partners the cache does not know: the transaction, or (one-statement conversion
 * batches on PostgreSQL) the database before the write.
 */
export async function conversionNotifications(
  q: Knex | Knex.Transaction,
  events: ConversionEvent[],
  outbox: Pick<OutboxOptions, 'chatOptIns' | 'notePerEvent'> = {},
): Promise<NewNotification[]> {
  const relevant = events.filter((e) => e.kind === 'created' || e.before?.status !== e.after.status);
  if (relevant.length === 0) return [];
  const on = await optedIn(q, [...new Set(relevant.map((e) => e.partnerId))], outbox.chatOptIns);
  if (on.size === 0) return [];
  const byPartner: [number, ConversionEvent[]][] = [];
  if (outbox.notePerEvent) {
    for (const e of relevant) if (on.has(e.partnerId)) byPartner.push([e.partnerId, [e]]);
  } else {
    const lists = new Map<number, ConversionEvent[]>();
    for (const e of relevant) {
      if (!on.has(e.partnerId)) continue;
      const list = lists.get(e.partnerId) ?? [];
      list.push(e);
      lists.set(e.partnerId, list);
    }
    byPartner.push(...lists);
  }
  const rows: NewNotification[] = [];
  for (const [partnerId, list] of byPartner) {
    rows.push({
      partnerId,
      kind: 'conversion',
      payload: {
        total: list.length,
        items: list.slice(0, CONVERSIONS_PER_MESSAGE).map((e) => ({
          conversion_id: e.conversionId,
          event: e.kind === 'created' ? 'created' : 'status',
          status: e.after.status,
          from_status: e.before?.status ?? null,
          payout: e.after.payout,
          currency: e.currency,
        })),
      },
      at: (list[0] as ConversionEvent).at, // a partner is listed only with at least one event
    });
  }
  return rows;
}
