import {
  type ChatTarget,
  findNotification,
  listPartnerChats,
  loadConversionFacts,
  type NotificationRow,
} from '../../db/repositories/notifications.js';
import type { Deps } from '../deps.js';

export interface ConversionLine {
  conversionId: number;
  /** created = a new conversion; status = its status changed. */
  event: 'created' | 'status';
  status: string;
  fromStatus: string | null;
  payout: number;
  currency: string;
  type: string;
  campaignName: string;
  clickId: string;
  refId: string | null;
}

/** What a notification says, ready for a platform-neutral renderer (bots/core/notifications.ts). */
export type NotificationView =
  | { kind: 'conversion'; items: ConversionLine[]; total: number }
  | {
      kind: 'postback_failing' | 'postback_disabled' | 'postback_recovered';
      /** The postback URL or its host, whichever the relay recorded. */
      endpoint: string | null;
      reason: string | null;
    }
  | { kind: 'payment_status'; paymentId: number; status: string; amount: number; currency: string }
  | { kind: 'digest_undeliverable'; email: string; reason: string };

export interface NotificationToSend {
  row: NotificationRow;
  view: NotificationView;
  /** Chats still to receive it, read now (not when the row was written). */
  targets: ChatTarget[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v ?? 0) || 0);

/**
 * Re-reads a notification for the sender: null when it is no longer pending (already sent, given up, or
 * its row is gone), so a job that runs twice sends once. Conversion messages go to chats with notify on
 * only; postback and payment messages are service messages and go to every chat linked to the partner.
 */
export async function loadNotificationToSend(deps: Deps, id: number): Promise<NotificationToSend | null> {
  const row = await findNotification(deps.db, id);
  if (row?.state !== 'pending') return null;
  const all = await listPartnerChats(deps.db, row.partnerId, row.kind === 'conversion');
  const done = new Set(row.sentTo);
  const targets = all.filter((t) => !done.has(chatKey(t)));
  return { row, view: await viewOf(deps, row), targets };
}

export const chatKey = (t: ChatTarget): string => `${t.platform}:${t.chatId}`;

async function viewOf(deps: Deps, row: NotificationRow): Promise<NotificationView> {
  const p = row.payload;
  switch (row.kind) {
    case 'conversion': {
      const raw = Array.isArray(p['items']) ? (p['items'] as Record<string, unknown>[]) : [];
      const facts = await loadConversionFacts(
        deps.db,
        row.partnerId,
        raw.map((i) => num(i['conversion_id'])),
      );
      const byId = new Map(facts.map((f) => [f.id, f]));
      const items: ConversionLine[] = [];
      for (const i of raw) {
        const f = byId.get(num(i['conversion_id']));
        if (!f) continue; // deleted since: nothing true to say about it
        items.push({
          conversionId: f.id,
          event: i['event'] === 'status' ? 'status' : 'created',
          status: str(i['status']) ?? 'pending',
          fromStatus: str(i['from_status']),
          payout: num(i['payout']),
          currency: str(i['currency']) ?? 'USD',
          type: f.type,
          campaignName: f.campaignName,
          clickId: f.clickId,
          refId: f.refId,
        });
      }
      return { kind: 'conversion', items, total: Math.max(num(p['total']), items.length) };
    }
    case 'payment_status':
      return {
        kind: 'payment_status',
        paymentId: num(p['payment_id']),
        status: str(p['status']) ?? 'updated',
        amount: num(p['amount']),
        currency: str(p['currency']) ?? 'USD',
      };
    case 'digest_undeliverable':
      return { kind: 'digest_undeliverable', email: str(p['email']) ?? '', reason: str(p['reason']) ?? 'refused' };
    default:
      return { kind: row.kind, endpoint: str(p['url']) ?? str(p['endpoint']), reason: str(p['reason']) };
  }
}
