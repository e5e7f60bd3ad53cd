import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** What the sink answers to one message: undefined = accept; else an SMTP reply code and text. */
export type SinkVerdict = { code: number; message: string } | undefined;

export interface SmtpSink {
  url: string;
  port: number;
  /** Every message accepted, in order, parsed. */
  messages: ParsedMail[];
  /** Raw sizes of accepted messages. */
  sizes: number[];
  /** Holds each message this long before answering 250 (a slow server: widens the hand-off window). */
  delayMs: number;
  /** Decides per recipient at RCPT TO (default: accept). */
  verdict: (rcpt: string, attempt: number) => SinkVerdict;
  /** Waits until at least n messages arrived. */
  waitFor(n: number, ms?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), as nodemailer's own tests use, that keeps what it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const attempts = new Map<string, number>();
  // Sessions whose client went away: like a real MTA, a message whose 250 was never sent is not delivered.
  const closed = new Set<string>();
  const sink: SmtpSink = {
    url: '',
    port: 0,
    messages: [],
    sizes: [],
    verdict: () => undefined,
    delayMs: 0,
    async waitFor(n, ms = 20_000) {
      const until = Date.now() + ms;
      while (sink.messages.length < n) {
        if (Date.now() > until) throw new Error(`SMTP sink: ${sink.messages.length} of ${n} messages after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sink.messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      const n = (attempts.get(a) ?? 0) + 1;
      attempts.set(a, n);
      const v = sink.verdict(a, n);
      if (!v) return cb();
      const err = new Error(v.message) as Error & { responseCode: number };
      err.responseCode = v.code;
      return cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (sink.delayMs > 0) await new Promise((r) => setTimeout(r, sink.delayMs));
        if (closed.has(session.id)) return cb(new Error('client gone'));
        const raw = Buffer.concat(chunks);
        // skipImageLinks: keep the html's cid: references as sent (mailparser would inline them as data: URLs).
        simpleParser(raw, { skipImageLinks: true }).then(
          (m) => {
            sink.sizes.push(raw.length);
            sink.messages.push(m);
            cb();
          },
          (err) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.server.address();
  sink.port = typeof addr === 'object' && addr ? addr.port : 0;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}
