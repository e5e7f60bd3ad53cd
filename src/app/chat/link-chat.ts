import {
  type ChatIdentityKey,
  claimLinkCode,
  clearLinkAttempts,
  countLinkAttemptsSince,
  deleteChatIdentity,
  findLinkCode,
  findLinkedIdentity,
  recentLinkAttempts,
  recordLinkAttempt,
  upsertChatIdentity,
} from '../../db/repositories/chat-identities.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { AppError, invalid } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { hashLinkCode, normalizeLinkCode } from './issue-link-code.js';

export interface ChatIdentityInput extends ChatIdentityKey {
  /** Where to send notifications later. */
  chatId: string;
}

export interface LinkResult {
  partnerId: number;
  partnerName: string;
  /** The partner this chat was linked to before, when the code moved it to another one. */
  previousPartnerId: number | null;
}

/** Wrong codes a chat user may send per window before their wrong codes get no detail for a while. */
export const LINK_MAX_FAILURES = 5;
export const LINK_WINDOW_MS = 15 * 60_000;
/**
 * Wrong codes all chat users together may send per minute before no code is checked for anyone until the
 * minute has passed: many accounts guessing at once each stay under the per-user limit, this bounds them all.
 * With 40-bit codes, 60 guesses a minute find one of 1,000 live codes about once in 35 years.
 */
export const LINK_GLOBAL_MAX_FAILURES_PER_MINUTE = 60;
const MINUTE_MS = 60_000;

const EXAMPLE = 'like 7K2M9QXD';

const fail = (code: string, message: string) => new AppError('invalid', code, message, 'code');

const lockedOut = (minutes: number) =>
  new AppError(
    'rate_limited',
    'link_rate_limited',
    `too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'} (or ask your manager for a fresh code)`,
    'code',
  );

/**
 * Redeems a link code for a chat user. Every failure (unknown, used, expired, malformed) counts towards the
 * guess limits, which live in the database, so restarting the bot does not reset them. The per-user limit
 * stops guessing, not the owner: once over it, a wrong code only says "too many attempts" (nothing about why
 * it failed), but a valid code the manager just issued still links. What bounds guessing is then the global
 * limit: past LINK_GLOBAL_MAX_FAILURES_PER_MINUTE wrong codes a minute, no code is checked for anyone.
 */
export async function linkChat(deps: Deps, user: ChatIdentityInput, rawCode: string): Promise<LinkResult> {
  const now = deps.now();
  const since = now - LINK_WINDOW_MS;
  if ((await countLinkAttemptsSince(deps.db, now - MINUTE_MS)) >= LINK_GLOBAL_MAX_FAILURES_PER_MINUTE) {
    throw new AppError(
      'rate_limited',
      'link_busy',
      'too many wrong link codes are being tried right now; send your code again in a minute',
      'code',
    );
  }
  const failures = await recentLinkAttempts(deps.db, user, since);
  const locked = failures.length >= LINK_MAX_FAILURES;
  const left = LINK_MAX_FAILURES - failures.length - 1;
  const attemptsLeft = left > 0 ? ` (${left} attempt${left === 1 ? '' : 's'} left)` : '';
  const failed = async (err: AppError): Promise<never> => {
    await recordLinkAttempt(deps.db, user, now);
    // Attempts older than the window no longer count; drop them so the table stays small.
    await clearLinkAttempts(deps.db, user, since);
    if (!locked) throw err;
    // Allowed again once the failure that made it LINK_MAX_FAILURES in the window ages out (this one counts).
    const all = [...failures, now];
    const oldest = all[all.length - LINK_MAX_FAILURES] ?? now;
    throw lockedOut(Math.max(1, Math.ceil((oldest + LINK_WINDOW_MS - now) / 60_000)));
  };

  const trimmed = rawCode.trim();
  if (!trimmed) throw invalid('link_code_missing', `send the code your manager gave you, ${EXAMPLE}`, 'code');
  const code = normalizeLinkCode(trimmed);
  if (!code) {
    return failed(
      fail(
        'link_code_malformed',
        `a link code is 8 letters and digits ${EXAMPLE}; check it and send it again${attemptsLeft}`,
      ),
    );
  }
  const row = await findLinkCode(deps.db, hashLinkCode(code));
  if (!row) {
    return failed(
      fail('link_code_unknown', `that code is not valid; check it or ask your manager for a new one${attemptsLeft}`),
    );
  }
  if (row.used_at !== null) {
    return failed(
      fail('link_code_used', 'that code was already used (each code works once); ask your manager for a new one'),
    );
  }
  if (row.expires_at <= now) {
    return failed(
      fail('link_code_expired', 'that code has expired (codes last 30 minutes); ask your manager for a new one'),
    );
  }
  const partner = await findPartnerById(deps.db, row.partner_id);
  if (partner?.status !== 'active') {
    return failed(
      fail('partner_not_active', 'the partner account of that code is not active; please contact your manager'),
    );
  }
  const previous = await findLinkedIdentity(deps.db, user);
  const claimed = await deps.db.transaction(async (trx) => {
    if (!(await claimLinkCode(trx, row.id, now, `${user.platform}:${user.userId}`))) return false;
    await upsertChatIdentity(trx, user, { partnerId: row.partner_id, chatId: user.chatId, linkedAt: now });
    return true;
  });
  if (!claimed) {
    return failed(
      fail('link_code_used', 'that code was already used (each code works once); ask your manager for a new one'),
    );
  }
  await clearLinkAttempts(deps.db, user);
  return {
    partnerId: row.partner_id,
    partnerName: partner.name,
    previousPartnerId: previous && previous.partnerId !== row.partner_id ? previous.partnerId : null,
  };
}

/**
 * Links without a code. Only for operator tools that already hold database access (the console chat);
 * never reachable from a chat platform.
 */
export async function linkChatDirectly(deps: Deps, user: ChatIdentityInput, partnerId: number): Promise<void> {
  const partner = await findPartnerById(deps.db, partnerId);
  if (!partner) throw new AppError('not_found', 'partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  const current = await findLinkedIdentity(deps.db, user);
  if (current?.partnerId === partnerId) return;
  await upsertChatIdentity(deps.db, user, { partnerId, chatId: user.chatId, linkedAt: deps.now() });
}

/** Forgets the chat user's link; true when there was one. */
export async function unlinkChat(deps: Deps, user: ChatIdentityKey): Promise<boolean> {
  return (await deleteChatIdentity(deps.db, user)) > 0;
}
