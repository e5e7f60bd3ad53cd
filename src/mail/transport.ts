import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Config } from '../config/index.js';

export interface SentMail {
  messageId: string;
  /** The server's last reply ("250 2.0.0 queued as ..."), or the outbox file written. */
  response: string;
}

/** Where mail goes: one pooled SMTP transport per process, or the outbox directory when SMTP_URL is unset. */
export interface MailTransport {
  kind: 'smtp' | 'outbox';
  describe: string;
  send(message: Mail.Options): Promise<SentMail>;
  /** Connects and greets the server (doctor); the outbox checks its directory is writable. */
  verify(): Promise<void>;
  close(): void;
}

/** Why a send failed, as the retry policy needs it. */
export type SendFailure = { kind: 'permanent' | 'temporary'; message: string; code: number | null };

/**
 * 5yz replies are permanent (RFC 5321; nodemailer 10 sets err.permanent): the same message to the same
 * address would be refused again. 4yz replies and connection problems (no responseCode) are temporary.
 */
export function classifySendError(err: unknown): SendFailure {
  const e = err as { permanent?: boolean; responseCode?: number; response?: string; message?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const permanent = e.permanent === true || (code !== null && code >= 500 && code < 600);
  const message = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  return { kind: permanent ? 'permanent' : 'temporary', message, code };
}

function dkimOf(mail: Config['mail']) {
  if (!mail.dkim) return undefined;
  const k = mail.dkim.privateKey;
  // PEM text inline, or a path to a PEM file (env files cannot hold multi-line values everywhere).
  const privateKey = k.includes('-----BEGIN') ? k.replace(/\\n/g, '\n') : readFileSync(path.resolve(k), 'utf8');
  return { domainName: mail.dkim.domain, keySelector: mail.dkim.selector, privateKey };
}

export interface TransportOptions {
  /** SMTP connections kept open (default 5). */
  maxConnections?: number;
}

export function createMailTransport(mail: Config['mail'], opts: TransportOptions = {}): MailTransport {
  const dkim = dkimOf(mail);
  if (mail.smtpUrl) {
    const url = new URL(mail.smtpUrl);
    const t = nodemailer.createTransport({
      url: mail.smtpUrl,
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 500,
      // A server that stops answering must not hold a digest (and its BullMQ lock) for minutes.
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      ...(dkim ? { dkim } : {}),
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return {
      kind: 'smtp',
      describe: `SMTP ${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`,
      async send(message) {
        const info = await t.sendMail(message);
        return { messageId: String(info.messageId), response: String(info.response ?? '') };
      },
      async verify() {
        await t.verify();
      },
      close: () => t.close(),
    };
  }
  const dir = mail.outboxDir;
  const t = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
    ...(dkim ? { dkim } : {}),
  });
  return {
    kind: 'outbox',
    describe: `outbox ${dir}`,
    async send(message) {
      const info = await t.sendMail(message);
      const id = String(info.messageId ?? message.messageId ?? `mail-${Date.now()}`);
      // The file is named by the Message-ID: sending the same digest again overwrites it, never a second copy.
      const base = path.join(dir, id.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_'));
      mkdirSync(dir, { recursive: true });
      writeAtomic(`${base}.eml`, info.message as Buffer);
      const html = htmlOf(message);
      if (html !== null) writeAtomic(`${base}.html`, html);
      return { messageId: id, response: `written to ${base}.eml` };
    },
    async verify() {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(dir)) throw new Error(`cannot create ${dir}`);
    },
    close: () => t.close(),
  };
}

/** The HTML part as text, given as a string or as `{ content }` (compose-digest picks its encoding so). */
function htmlOf(message: Mail.Options): string | null {
  const h = message.html;
  if (typeof h === 'string') return h;
  if (h && typeof h === 'object' && 'content' in h && typeof h.content === 'string') return h.content;
  return null;
}

function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
