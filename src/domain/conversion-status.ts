import { invalid } from './errors.js';
import { ownEntry } from './own-entry.js';

export const CONVERSION_STATUSES = ['pending', 'approved', 'declined'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

/**
 * What an S2S postback means when it names no status. RedTrack and most trackers treat a bare postback as
 * approved; an advertiser that holds conversions for review says `status=pending` explicitly.
 */
export const DEFAULT_CONVERSION_STATUS: ConversionStatus = 'approved';

/** Spellings advertisers' trackers send for our three statuses (matched case-insensitively). */
const ALIASES: Record<string, ConversionStatus> = {
  approved: 'approved',
  approve: 'approved',
  confirmed: 'approved',
  accepted: 'approved',
  paid: 'approved',
  pending: 'pending',
  hold: 'pending',
  onhold: 'pending',
  on_hold: 'pending',
  waiting: 'pending',
  declined: 'declined',
  decline: 'declined',
  rejected: 'declined',
  reject: 'declined',
  cancelled: 'declined',
  canceled: 'declined',
  refunded: 'declined',
  chargeback: 'declined',
  fraud: 'declined',
  trash: 'declined',
};

/** "Approved", "hold", "rejected" ... -> one of our statuses; undefined or '' -> undefined (caller picks a default). */
export function parseConversionStatus(raw: unknown, field = 'status'): ConversionStatus | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    throw invalid('invalid_status', `${field} must be one of approved, pending, declined`, field);
  }
  const s = raw.trim().toLowerCase();
  if (s === '') return undefined;
  const status = ownEntry(ALIASES, s);
  if (!status) {
    throw invalid(
      'invalid_status',
      `${field} must be one of approved, pending, declined, got "${raw.slice(0, 40)}"`,
      field,
    );
  }
  return status;
}
