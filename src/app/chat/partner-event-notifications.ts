import { insertNotifications, partnersWithChats } from '../../db/repositories/notifications.js';
import { listUnnotifiedEvents, markEventsNotified } from '../../db/repositories/partner-events.js';
import type { Deps } from '../deps.js';

/**
 * Turns relay events (postback failing / disabled / recovered) into notification rows and marks them
 * notified, in one transaction. Polled rather than written by the relay so the relay stays unaware of chats.
 * Two pollers reading the same events insert the same dedupe keys, so a partner still gets one message.
 * Events of partners without a linked chat are marked too: nobody is there to tell.
 * Returns how many notification rows were written.
 */
export async function convertPartnerEvents(deps: Deps, limit = 200): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const events = await listUnnotifiedEvents(trx, limit);
    if (events.length === 0) return 0;
    const partnerIds = [...new Set(events.flatMap((e) => (e.partnerId === null ? [] : [e.partnerId])))];
    const linked = await partnersWithChats(trx, partnerIds, false);
    const rows = events.flatMap((e) =>
      e.partnerId !== null && linked.has(e.partnerId)
        ? [
            {
              partnerId: e.partnerId,
              kind: e.kind,
              payload: { ...e.payload, event_id: e.id, postback_id: e.postbackId },
              dedupeKey: `pe:${e.id}`,
              at: e.at,
            },
          ]
        : [],
    );
    await insertNotifications(trx, rows);
    await markEventsNotified(
      trx,
      events.map((e) => e.id),
      deps.now(),
    );
    if (rows.length > 0) deps.signals?.notifications.afterCommit(trx);
    return rows.length;
  });
}
