import type Mail from 'nodemailer/lib/mailer/index.js';
import { buildDigestMime, type DigestMailParts } from './digest-mime.js';

/** Identifies one digest: the parts of its Message-ID. */
export interface DigestKey {
  partnerId: number;
  cadence: string;
  periodStart: string;
  /** '' for scheduled digests; the request key of one asked for by hand. */
  requestKey: string;
}

/**
 * `<digest.PARTNER.CADENCE.PERIODSTART@host>`: the same for every attempt of one digest, so a resend after a
 * crash carries the same id and mail systems that deduplicate on Message-ID keep one copy.
 */
export function digestMessageId(k: DigestKey, publicUrl: string): string {
  const host = new URL(publicUrl).hostname || 'localhost';
  const extra = k.requestKey ? `.${k.requestKey}` : '';
  return `<digest.${k.partnerId}.${k.cadence}.${k.periodStart}${extra}@${host}>`;
}

export interface ComposeDigest extends DigestMailParts {
  unsubscribeUrl: string;
}

/**
 * The nodemailer message of a digest, with the one-click unsubscribe headers of RFC 8058: the finished
 * message (digest-mime.ts) and its envelope. `html` rides along for the outbox transport, which writes it
 * beside the .eml; nodemailer sends `raw` as it is and ignores the rest.
 */
export function composeDigest(c: ComposeDigest, date = new Date()): Mail.Options {
  const { unsubscribeUrl, ...parts } = c;
  const built = buildDigestMime({
    ...parts,
    date,
    headers: [
      ['List-Unsubscribe', `<${unsubscribeUrl}>`],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
      ['Auto-Submitted', 'auto-generated'],
    ],
  });
  return { envelope: built.envelope, raw: built.raw, messageId: c.messageId, html: c.html };
}
