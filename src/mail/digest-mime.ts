import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';

/**
 * A digest as one finished RFC 5322 message, written here instead of by nodemailer's MailComposer.
 *
 * Why: the composer streams every part through a chain of Transform streams, ~3 ms of CPU per digest on
 * this machine, more than the HTML fill, the text part and the view together (bench/digest.ts --profile;
 * nodemailer sending the same message took 5.5 ms of CPU composed and 2.4 ms raw). A digest always has the
 * same shape, so it is written in one pass, with nodemailer's own encoders for everything that needs
 * care: header words outside ASCII (encodeWords/encodeWord, the same output as before), line folding,
 * quoted-printable for the text part, base64 for the HTML and the chart. nodemailer still sends it: SMTP,
 * pooling, dot-stuffing and DKIM signing work on raw messages as on composed ones.
 *
 * Structure (what mail clients expect of an HTML mail with an inline image and a text alternative):
 *   multipart/alternative
 *     text/plain (quoted-printable)
 *     multipart/related                 (text/html alone when there is no chart)
 *       text/html (base64)
 *       image/png (base64, Content-ID, inline)
 */
/** What a digest mail says, whoever writes its headers (compose-digest.ts adds the unsubscribe URL). */
export interface DigestMailParts {
  from: string;
  to: string;
  replyTo: string | undefined;
  subject: string;
  html: string;
  text: string;
  /** With its angle brackets. */
  messageId: string;
  chart: { cid: string; png: Uint8Array } | null;
}

export interface DigestMime extends DigestMailParts {
  date: Date;
  /** Extra headers, in order, values already plain ASCII (List-Unsubscribe and friends). */
  headers: [string, string][];
}

export interface BuiltMime {
  raw: Buffer;
  /** The SMTP envelope: the bare addresses of From and To. */
  envelope: { from: string; to: string[] };
}

const CRLF = '\r\n';

/** Address names: as they are when only word characters, quoted when printable ASCII, else an encoded word. */
function encodeName(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  if (/^[\x20-\x7e]*$/.test(name)) return mimeFuncs.quoteString(name);
  return mimeFuncs.encodeWord(name, 'Q', 52);
}

/** The domain in its ASCII (punycode) form; the local part as given (SMTPUTF8 servers take it). */
function normaliseAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  return `${address.slice(0, at)}@${/^[\x20-\x7e]*$/.test(domain) ? domain : domainToASCII(domain) || domain}`;
}

/** One address header's mailboxes, and their bare addresses for the envelope. */
function parseAddresses(value: string): { header: string; addresses: string[] } {
  const parsed = addressparser(value, { flatten: true });
  const addresses: string[] = [];
  const shown: string[] = [];
  for (const p of parsed) {
    if (!('address' in p) || !p.address) continue;
    const address = normaliseAddress(p.address);
    addresses.push(address);
    shown.push(p.name ? `${encodeName(p.name)} <${address}>` : address);
  }
  if (addresses.length === 0) throw new Error(`no e-mail address in "${value}"`);
  return { header: shown.join(', '), addresses };
}

/** Unstructured header text: encoded words only where needed, as nodemailer writes them. */
function headerText(value: string): string {
  // A control character (tab aside) may not appear in a header even inside ASCII: it forces an encoded word.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value)
    ? mimeFuncs.encodeWord(value, 'Q', 52)
    : mimeFuncs.encodeWords(value, 'Q', 52, true);
}

function header(name: string, value: string): string {
  return mimeFuncs.foldLines(`${name}: ${value}`, 76);
}

/** A part: its headers, a blank line, its encoded body. */
function part(headers: string[], body: string): string {
  return `${headers.join(CRLF)}${CRLF}${CRLF}${body}`;
}

function multipart(type: string, boundary: string, parts: string[], params = ''): { headers: string[]; body: string } {
  const body = `${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${CRLF}`;
  return { headers: [header('Content-Type', `${type};${params} boundary="${boundary}"`)], body };
}

/**
 * base64 in 76-character lines (RFC 2045). Sliced here: nodemailer's base64.wrap runs a /.{76}/g replace,
 * ~1 ms of CPU for a digest's ~110 KB (bench:digest --profile).
 */
function base64Lines(data: Uint8Array): string {
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

export function buildDigestMime(m: DigestMime): BuiltMime {
  const from = parseAddresses(m.from);
  const to = parseAddresses(m.to);
  // Random, so no part's content can contain it.
  const tag = randomBytes(8).toString('hex');
  const textPart = part(
    ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    qp.wrap(qp.encode(Buffer.from(m.text, 'utf8')), 76),
  );
  const htmlPart = part(
    ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64'],
    base64Lines(Buffer.from(m.html, 'utf8')),
  );
  let second = htmlPart;
  if (m.chart) {
    const image = part(
      [
        'Content-Type: image/png; name=chart.png',
        header('Content-ID', `<${m.chart.cid}>`),
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: inline; filename=chart.png',
      ],
      base64Lines(m.chart.png),
    );
    const related = multipart('multipart/related', `--_pd-${tag}-related`, [htmlPart, image], ' type="text/html";');
    second = part(related.headers, related.body);
  }
  const root = multipart('multipart/alternative', `--_pd-${tag}-alternative`, [textPart, second]);
  const head = [
    ...m.headers.map(([name, value]) => header(name, value)),
    header('From', from.header),
    header('To', to.header),
    ...(m.replyTo ? [header('Reply-To', parseAddresses(m.replyTo).header)] : []),
    header('Subject', headerText(m.subject)),
    header('Message-ID', m.messageId),
    header('Date', m.date.toUTCString().replace(/GMT/, '+0000')),
    'MIME-Version: 1.0',
    ...root.headers,
  ];
  const raw = Buffer.from(`${head.join(CRLF)}${CRLF}${CRLF}${root.body}`, 'utf8');
  return { raw, envelope: { from: from.addresses[0] as string, to: to.addresses } };
}
