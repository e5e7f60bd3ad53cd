import { markAddressUndeliverable } from '../../db/repositories/digest-subscriptions.js';
import { type DigestRow, findDigest, transitionDigest } from '../../db/repositories/digests.js';
import { insertNotifications } from '../../db/repositories/notifications.js';
import { type DigestCadence, periodOfStart } from '../../domain/digest-schedule.js';
import { type DigestRendererDeps, renderDigest } from '../../mail/digest-renderer.js';
import { classifySendError, type MailTransport } from '../../mail/transport.js';
import type { Deps } from '../deps.js';
import { loadDigestTarget } from './digest-address.js';
import { tokenKey, unsubscribeToken } from './digest-tokens.js';
import { gatherDigestData } from './gather-digest-data.js';

/** A worker holding a row longer than this is taken for dead; SMTP timeouts keep a live one well under it. */
export const DIGEST_LEASE_MS = 5 * 60_000;
/** Tries of a temporary SMTP failure before the digest is given up. */
export const DIGEST_MAX_ATTEMPTS = 6;

export type DigestOutcome = 'sent' | 'skipped' | 'failed' | 'busy' | 'done';

export interface DigestSendDeps extends Deps {
  renderer: DigestRendererDeps;
  transport: MailTransport;
  /** Counts outcomes (metrics); optional for the CLI. */
  count?: (outcome: 'sent' | 'failed' | 'skipped', n?: number) => void;
  /** Default DIGEST_LEASE_MS; tests shorten it. */
  leaseMs?: number;
}

/** A temporary failure: the row is back in `pending`; BullMQ retries the job with backoff. */
export class DigestRetryError extends Error {
  override name = 'DigestRetryError';
}

/**
 * Sends one digest row, at most once, whoever calls it how often:
 * - pending -> rendering is a compare-and-set, so of two workers holding the same id only one goes on;
 * - a row in rendering or sending whose lease has not expired belongs to a live worker: left alone (busy);
 * - rendering with an expired lease: nothing left the building yet, so it is rendered again;
 * - sending with an expired lease: the worker died during the SMTP hand-off, and whether the server took the
 *   message is unknown. It is sent once more with the same Message-ID (mailbox providers keep one copy of a
 *   Message-ID; the outbox directory overwrites the same file), counted in `resends`; a row interrupted in
 *   sending a second time is marked failed rather than tried a third time.
 * Unsubscribed (cadence off or changed) or undeliverable by the time it runs: skipped.
 */
export async function processDigest(d: DigestSendDeps, id: number): Promise<DigestOutcome> {
  const row = await findDigest(d.db, id);
  if (!row || row.state === 'sent' || row.state === 'failed' || row.state === 'skipped') return 'done';
  const now = d.now();
  const leaseCutoff = now - (d.leaseMs ?? DIGEST_LEASE_MS);
  if (row.state === 'sending') {
    if (row.stateAt >= leaseCutoff) return 'busy';
    if (row.resends >= 1) {
      await transitionDigest(d.db, id, [{ state: 'sending', stateAtBefore: leaseCutoff }], 'failed', now, {
        error: 'interrupted twice while handing over to the mail server; not sent again',
      });
      d.count?.('failed');
      return 'failed';
    }
    const taken = await transitionDigest(
      d.db,
      id,
      [{ state: 'sending', stateAtBefore: leaseCutoff }],
      'rendering',
      now,
      {
        resends: row.resends + 1,
        attempts: row.attempts + 1,
      },
    );
    if (!taken) return 'busy';
    d.logger.warn(
      { event: 'digest.resend_after_crash', digestId: id },
      'digest found mid-send; sending again with the same Message-ID',
    );
  } else {
    const taken = await transitionDigest(
      d.db,
      id,
      [{ state: 'pending' }, { state: 'rendering', stateAtBefore: leaseCutoff }],
      'rendering',
      now,
      { attempts: row.attempts + 1 },
    );
    if (!taken) return 'busy';
  }
  return renderAndSend(d, { ...row, attempts: row.attempts + 1 });
}

async function renderAndSend(d: DigestSendDeps, row: DigestRow): Promise<DigestOutcome> {
  const target = await loadDigestTarget(d, row.partnerId);
  const scheduled = row.requestKey === '';
  const skipReason = !target
    ? 'partner not active'
    : target.undeliverable
      ? `address undeliverable: ${target.undeliverable}`
      : scheduled && target.cadence !== row.cadence
        ? target.cadence === 'off'
          ? 'unsubscribed'
          : `cadence changed to ${target.cadence}`
        : null;
  if (skipReason || !target) {
    await transitionDigest(d.db, row.id, [{ state: 'rendering' }], 'skipped', d.now(), { error: skipReason });
    d.count?.('skipped');
    return 'skipped';
  }
  const period = periodOfStart(row.cadence as DigestCadence, row.periodStart, row.timezone);
  const data = await gatherDigestData(d, row.partnerId, period);
  const key = await tokenKey(d);
  const rendered = await renderDigest(d.renderer, data, row, {
    to: target.email,
    unsubscribeUrl: `${d.config.publicUrl}/unsubscribe/${unsubscribeToken(key, row.partnerId)}`,
    schedule: scheduled ? { cadence: row.cadence as DigestCadence, hour: target.hour, weekday: target.weekday } : null,
  });
  // Past this update the message may reach the server: from here on a crash is reconciled as described above.
  const moved = await transitionDigest(d.db, row.id, [{ state: 'rendering' }], 'sending', d.now(), {
    email: target.email,
    message_id: rendered.messageId,
    html_bytes: Buffer.byteLength(rendered.html),
  });
  if (!moved) return 'busy';
  try {
    await d.transport.send(rendered.message);
  } catch (err) {
    return failed(d, row, target.email, err);
  }
  await transitionDigest(d.db, row.id, [{ state: 'sending' }], 'sent', d.now(), { sent_at: d.now(), error: null });
  d.count?.('sent');
  return 'sent';
}

async function failed(d: DigestSendDeps, row: DigestRow, email: string, err: unknown): Promise<DigestOutcome> {
  const f = classifySendError(err);
  const now = d.now();
  if (f.kind === 'permanent') {
    await d.db.transaction(async (trx) => {
      await transitionDigest(trx, row.id, [{ state: 'sending' }], 'failed', now, { error: `refused: ${f.message}` });
      if (await markAddressUndeliverable(trx, row.partnerId, email, f.message, now)) {
        await insertNotifications(trx, [
          {
            partnerId: row.partnerId,
            kind: 'digest_undeliverable',
            payload: { email, reason: f.message },
            dedupeKey: `du:${row.partnerId}:${now}`,
            at: now,
          },
        ]);
        d.signals?.notifications.afterCommit(trx);
      }
    });
    d.logger.warn(
      { event: 'digest.undeliverable', digestId: row.id, partnerId: row.partnerId, code: f.code },
      'address refused; digests to it stop',
    );
    d.count?.('failed');
    return 'failed';
  }
  if (row.attempts >= DIGEST_MAX_ATTEMPTS) {
    await transitionDigest(d.db, row.id, [{ state: 'sending' }], 'failed', now, {
      error: `gave up after ${row.attempts} tries: ${f.message}`,
    });
    d.count?.('failed');
    return 'failed';
  }
  // Nothing was accepted (the server said 4xx or the connection failed): back to pending, retried by BullMQ.
  await transitionDigest(d.db, row.id, [{ state: 'sending' }], 'pending', now, { error: f.message });
  throw new DigestRetryError(`temporary mail failure (try ${row.attempts}): ${f.message}`);
}
