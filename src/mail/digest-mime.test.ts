import { generateKeyPairSync } from 'node:crypto';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { composeDigest } from './compose-digest.js';

// A PNG's worth of bytes: every value 0-255, so base64 round trips are checked on all of them.
const PNG = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);

function digest(over: Partial<Parameters<typeof composeDigest>[0]> = {}) {
  return composeDigest(
    {
      from: 'Partner Desk – Ops <digest@partnerdesk.example>',
      to: 'anna@müller.example',
      replyTo: '"Manager, Team" <manager@partnerdesk.example>',
      subject: 'Your week, 23–29 Nov 2026: €4,635.61 payout, down 13 % ▼',
      html: `<html lang="de"><body><p>Grüße – ${'x'.repeat(300)}</p><img src="cid:chart.1@pd" alt="up"></body></html>`,
      text: `Grüße – ${'long line '.repeat(20)}\n.dot at the start of a line\nend`,
      messageId: '<digest.1.weekly.2026-11-23@partnerdesk.example>',
      unsubscribeUrl: 'https://partnerdesk.example/unsubscribe/u1.abc',
      chart: { cid: 'chart.1@pd', png: PNG },
      ...over,
    },
    new Date(Date.UTC(2026, 11, 3, 9, 0, 0)),
  );
}

/** What a mail client gets: the message through nodemailer's stream transport, parsed by mailparser. */
async function received(message: ReturnType<typeof composeDigest>, dkim?: object) {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, ...(dkim ? { dkim } : {}) });
  const info = await t.sendMail(message);
  const raw = info.message as Buffer;
  return { raw: raw.toString('utf8'), parsed: await simpleParser(raw), envelope: info.envelope };
}

describe('digest MIME message', () => {
  it('arrives with every header, both parts and the inline chart intact', async () => {
    const { parsed, raw, envelope } = await received(digest());
    expect(parsed.subject).toBe('Your week, 23–29 Nov 2026: €4,635.61 payout, down 13 % ▼');
    expect(parsed.from?.value).toEqual([{ name: 'Partner Desk – Ops', address: 'digest@partnerdesk.example' }]);
    // The domain goes out in its ASCII form (mailparser shows it decoded again).
    expect(raw).toContain('\nTo: anna@xn--mller-kva.example\r\n');
    expect(parsed.to && 'value' in parsed.to ? parsed.to.value[0]?.address : '').toBe('anna@müller.example');
    expect(parsed.replyTo?.value).toEqual([{ name: 'Manager, Team', address: 'manager@partnerdesk.example' }]);
    expect(parsed.messageId).toBe('<digest.1.weekly.2026-11-23@partnerdesk.example>');
    expect(parsed.date?.toISOString()).toBe('2026-12-03T09:00:00.000Z');
    expect(raw).toContain('List-Unsubscribe: <https://partnerdesk.example/unsubscribe/u1.abc>');
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw).toContain('Auto-Submitted: auto-generated');
    expect(parsed.text).toBe(`Grüße – ${'long line '.repeat(20)}\n.dot at the start of a line\nend`);
    expect(parsed.html).toContain(`Grüße – ${'x'.repeat(300)}`);
    expect(parsed.attachments).toHaveLength(1);
    const [chart] = parsed.attachments;
    expect(chart?.contentType).toBe('image/png');
    expect(chart?.cid).toBe('chart.1@pd');
    expect(chart?.related).toBe(true);
    expect(Buffer.compare(chart?.content ?? Buffer.alloc(0), Buffer.from(PNG))).toBe(0);
    expect(envelope).toEqual({ from: 'digest@partnerdesk.example', to: ['anna@xn--mller-kva.example'] });
    // RFC 5322 asks for lines of at most 78 characters; every line of the message keeps to it.
    expect(raw.split(/\r?\n/).every((l) => l.length <= 78)).toBe(true);
  });

  it('is an HTML and text alternative without a related part when there is no chart', async () => {
    const { parsed, raw } = await received(digest({ chart: null, replyTo: undefined }));
    expect(parsed.attachments).toHaveLength(0);
    expect(parsed.replyTo).toBeUndefined();
    expect(raw).not.toContain('multipart/related');
    expect(raw).toContain('multipart/alternative');
    expect(parsed.html).toContain('Grüße');
  });

  it('is DKIM-signed when the transport signs', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { raw } = await received(digest(), {
      domainName: 'partnerdesk.example',
      keySelector: 'pd',
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    });
    expect(raw).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed;\s+d=partnerdesk\.example; q=dns\/txt; s=pd;/,
    );
    expect(raw).toMatch(/h=from:reply-to:subject:date:message-id:to:mime-version:content-type:list-unsubscribe/);
  });

  it('refuses a From or To without an address', () => {
    expect(() => digest({ to: 'nobody' })).toThrow(/no e-mail address/);
  });
});
