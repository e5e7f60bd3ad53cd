import { findUnsentConfirmations, markConfirmationSent } from '../../db/repositories/digest-subscriptions.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { escapeHtml } from '../../mail/escape-html.js';
import { classifySendError, type MailTransport } from '../../mail/transport.js';
import type { Deps } from '../deps.js';
import { CONFIRM_TTL_MS } from './confirm-digest-address.js';
import { confirmToken, tokenKey } from './digest-tokens.js';

/**
 * Mails the confirmation link of every address asked for and not yet mailed. Run by the digest worker's
 * dispatcher; the chat command only writes the pending address (the bots need no mail transport).
 */
export async function sendDigestConfirmations(deps: Deps, transport: MailTransport, limit = 50): Promise<number> {
  const rows = await findUnsentConfirmations(deps.db, limit);
  if (rows.length === 0) return 0;
  const key = await tokenKey(deps);
  let sent = 0;
  for (const s of rows) {
    if (s.pendingEmail === null || s.pendingAt === null) continue;
    const partner = await findPartnerById(deps.db, s.partnerId);
    const url = `${deps.config.publicUrl}/digest/confirm/${confirmToken(key, s.partnerId, s.pendingEmail, s.pendingAt)}`;
    const days = Math.round(CONFIRM_TTL_MS / 86_400_000);
    const text = [
      `Hello${partner ? ` ${partner.name}` : ''},`,
      '',
      'Someone (we hope you) asked for the partnerdesk performance digests of this partner account to be sent to this address.',
      `Open this link to confirm (it works for ${days} days):`,
      url,
      '',
      'If it was not you, ignore this mail: nothing will be sent here.',
    ].join('\n');
    try {
      await transport.send({
        from: deps.config.mail.from,
        to: s.pendingEmail,
        ...(deps.config.mail.replyTo ? { replyTo: deps.config.mail.replyTo } : {}),
        subject: 'Confirm this address for your partnerdesk digests',
        text,
        html: `<!doctype html><html lang="en"><body style="font-family:sans-serif;line-height:1.5"><p>${escapeHtml(text.split('\n')[0] ?? '')}</p><p>Someone (we hope you) asked for the partnerdesk performance digests of this partner account to be sent to this address.</p><p><a href="${escapeHtml(url)}">Confirm this address</a> (the link works for ${days} days).</p><p>If it was not you, ignore this mail: nothing will be sent here.</p></body></html>`,
        messageId: `<digest-confirm.${s.partnerId}.${s.pendingAt}@${new URL(deps.config.publicUrl).hostname}>`,
      });
      sent++;
    } catch (err) {
      const f = classifySendError(err);
      // Temporary: left unsent for the next pass. Permanent: the address cannot be confirmed; stop trying.
      if (f.kind === 'temporary') {
        deps.logger.warn(
          { event: 'digest.confirm_retry', partnerId: s.partnerId, err: f.message },
          'confirmation mail failed; will retry',
        );
        continue;
      }
      deps.logger.warn(
        { event: 'digest.confirm_refused', partnerId: s.partnerId, err: f.message },
        'confirmation mail refused',
      );
    }
    await markConfirmationSent(deps.db, s.partnerId, s.pendingAt, deps.now());
  }
  return sent;
}
